package dev.sluice.execution.fs;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;

/**
 * Writes a file so that readers see all of it or nothing: the content goes to a hidden temp file
 * ({@code .<name>.<uuid>.tmp}) in the same directory, is synced, then renamed to its name. Readers
 * ignore names starting with a dot. A write that fails deletes its temp file; one killed with its
 * process leaves it behind, for its owner to remove with {@link #deleteTempFiles}.
 */
public final class AtomicFileWriter {
    private static final String TEMP_SUFFIX = ".tmp";
    /** The {@code .<uuid>.tmp} tail of a temp file's name. */
    private static final int TEMP_TAIL = 1 + 36 + TEMP_SUFFIX.length();

    /** Writes the content of a file to a stream. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    private AtomicFileWriter() {
    }

    /**
     * Writes {@code file} unless it exists; returns false (writing nothing) if it does. Not safe against
     * two writers racing on a local file system (its rename overwrites); HDFS refuses the second rename.
     */
    public static boolean writeIfAbsent(FileSystem fs, Path file, Content content) {
        try {
            if (fs.exists(file)) {
                return false;
            }
            Path tmp = writeTemp(fs, file, content);
            if (fs.exists(file) || !fs.rename(tmp, file)) {
                fs.delete(tmp, false);
                return false;
            }
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("Can't write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes {@code file}, replacing any previous version. */
    public static void write(FileSystem fs, Path file, Content content) {
        try (Pending pending = open(fs, file)) {
            content.writeTo(pending.stream());
            pending.commit();
        } catch (IOException e) {
            throw new UncheckedIOException("Can't write " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Starts writing {@code file} as its content comes: into its temp file, which {@link Pending#commit} syncs and
     * renames to the file's name (replacing any previous version) and a close without the commit deletes.
     */
    public static Pending open(FileSystem fs, Path file) throws IOException {
        Path tmp = tempFile(file);
        return new Pending(fs, file, tmp, fs.create(tmp, false));
    }

    /** A file being written ({@link #open}): its temp file until {@link #commit}. Not thread-safe. */
    public static final class Pending implements AutoCloseable {
        private final FileSystem fs;
        private final Path file;
        private final Path tmp;
        private final FSDataOutputStream out;
        private boolean done;

        private Pending(FileSystem fs, Path file, Path tmp, FSDataOutputStream out) {
            this.fs = fs;
            this.file = file;
            this.tmp = tmp;
            this.out = out;
        }

        /** Where the content goes. */
        public OutputStream stream() {
            return out;
        }

        /** Syncs the content and renames the temp file to the file's name, replacing any previous version. */
        public void commit() throws IOException {
            sync();
            fs.delete(file, false);
            if (!fs.rename(tmp, file)) {
                fs.delete(tmp, false);
                throw new IOException("rename of " + tmp + " failed");
            }
        }

        /** Syncs and closes the temp file, which is then the caller's to rename or delete; returns it. */
        private Path sync() throws IOException {
            out.hsync();
            out.close();
            done = true;
            return tmp;
        }

        /** Deletes the temp file unless committed (or synced for the caller). */
        @Override
        public void close() throws IOException {
            if (done) {
                return;
            }
            done = true;
            try {
                out.close();
            } finally {
                fs.delete(tmp, false);
            }
        }
    }

    /**
     * Replaces {@code file} (which may exist) in one rename, so that a reader, or a crash, finds the old
     * content or the new one, never no file: a local file system's rename replaces the target; on others
     * (HDFS), whose rename does not, the temp file is renamed with {@link Options.Rename#OVERWRITE}
     * through {@link FileContext}.
     */
    public static void replace(FileSystem fs, Path file, Content content) {
        try {
            Path tmp = writeTemp(fs, file, content);
            if (!fs.rename(tmp, file)) {
                FileContext.getFileContext(fs.getUri(), fs.getConf()).rename(tmp, file, Options.Rename.OVERWRITE);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Can't write " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Deletes the temp files in {@code dir} of writes of the files whose names {@code target} accepts: those
     * a process killed while writing left behind. The caller must own these names: a temp file of a write
     * still running elsewhere is deleted too (that write then fails).
     *
     * @return the temp files deleted
     */
    public static List<Path> deleteTempFiles(FileSystem fs, Path dir, Predicate<String> target) {
        List<Path> deleted = new ArrayList<>();
        try {
            if (!fs.exists(dir)) {
                return deleted;
            }
            for (FileStatus status : fs.listStatus(dir)) {
                String name = status.getPath().getName();
                if (status.isFile() && targetOfTemp(name).filter(target).isPresent()
                        && fs.delete(status.getPath(), false)) {
                    deleted.add(status.getPath());
                }
            }
            return deleted;
        } catch (IOException e) {
            throw new UncheckedIOException("Can't delete the temp files in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The name of the file a temp file was to become, if {@code name} is one of our temp files. */
    static Optional<String> targetOfTemp(String name) {
        if (!name.startsWith(".") || !name.endsWith(TEMP_SUFFIX) || name.length() <= 1 + TEMP_TAIL) {
            return Optional.empty();
        }
        String uuid = name.substring(name.length() - TEMP_TAIL + 1, name.length() - TEMP_SUFFIX.length());
        if (name.charAt(name.length() - TEMP_TAIL) != '.' || !isUuid(uuid)) {
            return Optional.empty();
        }
        return Optional.of(name.substring(1, name.length() - TEMP_TAIL));
    }

    private static boolean isUuid(String text) {
        try {
            return UUID.fromString(text).toString().equals(text);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** A new temp file for a write of {@code file}: {@code .<name>.<uuid>.tmp} in the same directory. */
    public static Path tempFile(Path file) {
        return new Path(file.getParent(), "." + file.getName() + "." + UUID.randomUUID() + TEMP_SUFFIX);
    }

    private static Path writeTemp(FileSystem fs, Path file, Content content) throws IOException {
        try (Pending pending = open(fs, file)) {
            content.writeTo(pending.stream());
            return pending.sync();
        }
    }
}
