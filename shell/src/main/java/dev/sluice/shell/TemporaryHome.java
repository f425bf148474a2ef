package dev.sluice.shell;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FileUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fresh Sluice home for one demo run, so the demo doesn't touch the user's catalog. Closing it deletes
 * everything in it (catalog, checkpoints, history) except {@code logs/}, kept for diagnosis.
 *
 * <p>It is created before logging is set up (the log goes into it), so it gets its logger only to close.
 */
public final class TemporaryHome implements Closeable {
    private static final String KEPT = "logs";

    private final Path path;

    private TemporaryHome(Path path) {
        this.path = path;
    }

    /** Creates a new, empty home in the system's temporary directory. */
    public static TemporaryHome create() {
        try {
            return new TemporaryHome(Files.createTempDirectory("sluice-demo-").toAbsolutePath());
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot create a temporary Sluice home: " + e.getMessage(), e);
        }
    }

    public Path path() {
        return path;
    }

    @Override
    public void close() {
        Logger log = LoggerFactory.getLogger(TemporaryHome.class);
        Path kept = path.resolve(KEPT);
        try {
            deleteAllBut(kept);
            log.info("Deleted the temporary home {} (kept {})", path, kept);
        }
        catch (IOException e) {
            log.warn("Cannot delete the temporary home {}", path, e);
        }
    }

    /** Deletes every entry of the home but {@code kept}, each with Hadoop's recursive delete (the project's one). */
    private void deleteAllBut(Path kept) throws IOException {
        try (Stream<Path> entries = Files.list(path)) {
            for (Path entry : entries.filter(e -> !e.equals(kept)).toList()) {
                if (!FileUtil.fullyDelete(entry.toFile())) {
                    throw new IOException("Can't delete " + entry);
                }
            }
        }
    }
}
