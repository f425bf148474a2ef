package dev.sluice.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class TemporaryHomeTest {
    @Test
    void closeDeletesEverythingButLogs() throws IOException {
        TemporaryHome home = TemporaryHome.create();
        Path path = home.path();
        try {
            assertTrue(path.getFileName().toString().startsWith("sluice-demo-"));
            Files.writeString(path.resolve("catalog.json"), "{}");
            Files.createDirectories(path.resolve("checkpoints/q1/offsets"));
            Files.writeString(path.resolve("checkpoints/q1/offsets/0"), "v1");
            Files.createDirectories(path.resolve("logs"));
            Files.writeString(path.resolve("logs/sluice.log"), "kept");

            home.close();

            try (Stream<Path> files = Files.walk(path)) {
                assertEquals(List.of(path, path.resolve("logs"), path.resolve("logs/sluice.log")), files.sorted().toList());
            }
        }
        finally {
            Files.deleteIfExists(path.resolve("logs/sluice.log"));
            Files.deleteIfExists(path.resolve("logs"));
            Files.deleteIfExists(path);
        }
    }
}
