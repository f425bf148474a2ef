package dev.sluice.execution.checkpoint;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Reads and writes one checkpoint file: a version line ({@code v1}) then one JSON document. Writes are
 * atomic: the content goes to a hidden temp file in the same directory, which is then renamed.
 */
final class VersionedJsonFile {
    static final String VERSION = "v1";
    static final ObjectMapper JSON = new ObjectMapper();

    private VersionedJsonFile() {
    }

    /**
     * Writes {@code value} to {@code file} unless the file exists. Returns false if it existed (then nothing
     * is written).
     */
    static boolean writeIfAbsent(FileSystem fs, Path file, Object value) {
        try {
            if (fs.exists(file)) {
                return false;
            }
            Path tmp = new Path(file.getParent(), "." + file.getName() + "." + UUID.randomUUID() + ".tmp");
            try (FSDataOutputStream out = fs.create(tmp, false)) {
                out.write((VERSION + "\n").getBytes(StandardCharsets.UTF_8));
                out.write(JSON.writeValueAsBytes(value));
                out.write('\n');
                out.hsync();
            }
            // HDFS refuses to rename onto an existing file; the check above covers local file systems.
            if (fs.exists(file) || !fs.rename(tmp, file)) {
                fs.delete(tmp, false);
                return false;
            }
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("Can't write checkpoint file " + file + ": " + e.getMessage(), e);
        }
    }

    /** The file's value, empty if the file does not exist. */
    static <T> Optional<T> read(FileSystem fs, Path file, JavaType type) {
        byte[] bytes;
        try (InputStream in = fs.open(file)) {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            in.transferTo(buffer);
            bytes = buffer.toByteArray();
        } catch (java.io.FileNotFoundException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("Can't read checkpoint file " + file + ": " + e.getMessage(), e);
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        int newline = text.indexOf('\n');
        String version = newline < 0 ? text : text.substring(0, newline);
        if (!version.equals(VERSION)) {
            throw new IllegalStateException("Checkpoint file " + file + " has version '" + version.strip()
                    + "'; this Sluice reads '" + VERSION + "'");
        }
        try {
            return Optional.of(JSON.readValue(text.substring(newline + 1), type));
        } catch (IOException e) {
            throw new IllegalStateException("Checkpoint file " + file + " is corrupt: " + e.getMessage(), e);
        }
    }
}
