package dev.sluice.connectors.file;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.fs.AtomicFileWriter;
import dev.sluice.execution.fs.FileSystemLocation;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;

/**
 * The manifest of a file sink directory: {@code _sluice_manifest/<batchId>}, one file per committed batch,
 * holding the version line {@code v1} then the batch's data file names, one per line. Only files listed
 * here are committed output; anything else in the directory is to be ignored by readers.
 */
public final class FileSinkManifest {
    static final String DIRECTORY = "_sluice_manifest";
    private static final String VERSION = "v1";

    private final FileSystemLocation dir;
    private final Path manifestDir;

    FileSinkManifest(FileSystemLocation dir) {
        this.dir = requireNonNull(dir, "dir is null");
        this.manifestDir = dir.child(DIRECTORY);
    }

    /** The committed data files of the sink directory {@code path}, in batch order. */
    public static List<Path> committedFiles(String path) {
        return new FileSinkManifest(FileSystemLocation.of(path)).committedFiles();
    }

    boolean contains(long batchId) throws IOException {
        return dir.fs().exists(new Path(manifestDir, Long.toString(batchId)));
    }

    void add(long batchId, List<String> files) {
        String text = VERSION + "\n" + String.join("\n", files) + (files.isEmpty() ? "" : "\n");
        AtomicFileWriter.writeIfAbsent(dir.fs(), new Path(manifestDir, Long.toString(batchId)),
                out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }

    List<Path> committedFiles() {
        TreeMap<Long, List<Path>> byBatch = new TreeMap<>();
        try {
            if (!dir.fs().exists(manifestDir)) {
                return List.of();
            }
            for (FileStatus status : dir.fs().listStatus(manifestDir)) {
                String name = status.getPath().getName();
                if (name.isEmpty() || !name.chars().allMatch(Character::isDigit)) {
                    continue;  // temp files of an interrupted write
                }
                byBatch.put(Long.parseLong(name), read(status.getPath()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Can't read the manifest of " + dir.path() + ": " + e.getMessage(), e);
        }
        List<Path> files = new ArrayList<>();
        byBatch.values().forEach(files::addAll);
        return files;
    }

    private List<Path> read(Path manifest) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (InputStream in = dir.fs().open(manifest)) {
            in.transferTo(buffer);
        }
        List<String> lines = Arrays.asList(buffer.toString(StandardCharsets.UTF_8).split("\n"));
        if (lines.isEmpty() || !lines.get(0).equals(VERSION)) {
            throw new IllegalStateException("Manifest file " + manifest + " has an unknown version '"
                    + (lines.isEmpty() ? "" : lines.get(0)) + "'");
        }
        return lines.subList(1, lines.size()).stream().filter(l -> !l.isBlank()).map(dir::child).toList();
    }
}
