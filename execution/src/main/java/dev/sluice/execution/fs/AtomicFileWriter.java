package dev.sluice.execution.fs;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.UUID;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;

/**
 * Writes a file so that readers see all of it or nothing: the content goes to a hidden temp file
 * ({@code .<name>.<uuid>.tmp}) in the same directory, is synced, then renamed to its name. Readers
 * ignore names starting with a dot.
 */
public final class AtomicFileWriter {
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
        try {
            Path tmp = writeTemp(fs, file, content);
            fs.delete(file, false);
            if (!fs.rename(tmp, file)) {
                throw new IOException("rename of " + tmp + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Can't write " + file + ": " + e.getMessage(), e);
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

    private static Path writeTemp(FileSystem fs, Path file, Content content) throws IOException {
        Path tmp = new Path(file.getParent(), "." + file.getName() + "." + UUID.randomUUID() + ".tmp");
        try (FSDataOutputStream out = fs.create(tmp, false)) {
            content.writeTo(out);
            out.hsync();
        }
        return tmp;
    }
}
