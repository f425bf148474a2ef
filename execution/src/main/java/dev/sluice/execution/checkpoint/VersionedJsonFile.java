package dev.sluice.execution.checkpoint;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.execution.error.EngineException;
import dev.sluice.execution.error.ErrorType;
import dev.sluice.execution.fs.AtomicFileWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Reads and writes one checkpoint file: a version line ({@code v1}) then one JSON document, written
 * atomically by {@link AtomicFileWriter}.
 */
final class VersionedJsonFile {
    static final String VERSION = "v1";
    /**
     * Records are written by their components only (not by helpers such as {@code isEmpty()}); fields a
     * newer Sluice added within the same version are ignored.
     */
    static final ObjectMapper JSON = new ObjectMapper()
            .setVisibility(PropertyAccessor.IS_GETTER, JsonAutoDetect.Visibility.NONE)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private VersionedJsonFile() {
    }

    /**
     * Writes {@code value} to {@code file} unless the file exists. Returns false if it existed (then nothing
     * is written).
     */
    static boolean writeIfAbsent(FileSystem fs, Path file, Object value) {
        return AtomicFileWriter.writeIfAbsent(fs, file, content(value));
    }

    /** Writes {@code value} to {@code file}, replacing the file if it exists in one atomic rename. */
    static void replace(FileSystem fs, Path file, Object value) {
        AtomicFileWriter.replace(fs, file, content(value));
    }

    private static AtomicFileWriter.Content content(Object value) {
        return out -> {
            out.write((VERSION + "\n").getBytes(StandardCharsets.UTF_8));
            out.write(JSON.writeValueAsBytes(value));
            out.write('\n');
        };
    }

    /**
     * The file's value, empty if the file does not exist. A file that can't be read as one fails naming the
     * file and what is wrong where (never with the file's bytes: a garbled file may hold anything).
     */
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
            throw new EngineException(ErrorType.EXTERNAL, "Checkpoint file " + file
                    + CheckpointFileDefect.ofVersionLine(version, VERSION));
        }
        String json = text.substring(newline + 1);
        if (json.isBlank()) {
            throw new EngineException(ErrorType.EXTERNAL, "Checkpoint file " + file + " ends after its version line (truncated?)");
        }
        try {
            return Optional.of(JSON.readValue(json, type));
        } catch (JsonProcessingException e) {
            throw new EngineException(ErrorType.EXTERNAL, "Checkpoint file " + file + CheckpointFileDefect.ofJson(e, json, 1,
                    type.getRawClass()));
        } catch (IOException e) {
            throw new EngineException(ErrorType.EXTERNAL, "Checkpoint file " + file + " can't be read: " + e.getClass().getSimpleName());
        }
    }

    /** {@code value} written as a file's JSON and read back as {@code type}, in memory: what the mapper makes on first use. */
    static Object roundTrip(Object value) throws IOException {
        return JSON.readValue(JSON.writeValueAsString(value), JSON.getTypeFactory().constructType(value.getClass()));
    }
}
