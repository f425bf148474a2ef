package dev.sluice.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.fs.FileUtil;

/**
 * The Sluice home of one measured phase: a new temporary directory, deleted with everything in it (catalog,
 * checkpoints) when the phase ends, so runs leave nothing in the temporary directory.
 */
record TemporaryHome(Path path) implements AutoCloseable {
    static TemporaryHome create() throws IOException {
        return new TemporaryHome(Files.createTempDirectory("sluice-bench-home"));
    }

    @Override
    public void close() {
        FileUtil.fullyDelete(path.toFile());
    }
}
