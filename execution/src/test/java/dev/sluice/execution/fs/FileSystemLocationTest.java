package dev.sluice.execution.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A local location, written as a plain path or as a {@code file:} URI, is the same directory on the one raw local
 * file system (made without {@code FileSystem.get}): files written there are plain files, without {@code .crc}
 * side files.
 */
class FileSystemLocationTest {
    @TempDir
    Path dir;

    @Test
    void plainPathAndFileUriAreTheSameRawLocalDirectory() throws IOException {
        FileSystemLocation plain = FileSystemLocation.of(dir.resolve("a").toString());
        FileSystemLocation uri = FileSystemLocation.of(dir.resolve("a").toUri().toString());
        assertInstanceOf(RawLocalFileSystem.class, plain.fs());
        assertSame(plain.fs(), uri.fs());
        assertEquals(plain.path(), uri.path());
        assertEquals("file", plain.path().toUri().getScheme());

        plain.mkdirs();
        try (FSDataOutputStream out = uri.fs().create(uri.child("f.json"))) {
            out.write("{\"n\": 1}".getBytes(StandardCharsets.UTF_8));
        }
        assertEquals("{\"n\": 1}", Files.readString(dir.resolve("a").resolve("f.json")));
        try (Stream<Path> files = Files.list(dir.resolve("a"))) {
            assertEquals(List.of(dir.resolve("a").resolve("f.json")), files.toList());
        }
    }
}
