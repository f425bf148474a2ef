package dev.sluice.execution.checkpoint;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.DatabindException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
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
        return AtomicFileWriter.writeIfAbsent(fs, file, out -> {
            out.write((VERSION + "\n").getBytes(StandardCharsets.UTF_8));
            out.write(JSON.writeValueAsBytes(value));
            out.write('\n');
        });
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
        if (bytes.length == 0) {
            throw new IllegalStateException("Checkpoint file " + file + " is empty (truncated?)");
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        int newline = text.indexOf('\n');
        String version = newline < 0 ? text : text.substring(0, newline);
        if (!version.equals(VERSION)) {
            throw new IllegalStateException("Checkpoint file " + file + versionProblem(version.strip()));
        }
        String json = text.substring(newline + 1);
        if (json.isBlank()) {
            throw new IllegalStateException("Checkpoint file " + file + " ends after its version line (truncated?)");
        }
        try {
            return Optional.of(JSON.readValue(json, type));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Checkpoint file " + file + describe(e, json, type));
        } catch (IOException e) {
            throw new IllegalStateException("Checkpoint file " + file + " can't be read: " + e.getClass().getSimpleName());
        }
    }

    /** What is wrong with the JSON document {@code json}, and where. */
    private static String describe(JsonProcessingException e, String json, JavaType type) {
        JsonLocation at = e.getLocation();
        // The parser or the mapper ran out of input: the file was cut short.
        if (e instanceof JsonEOFException || at != null && at.getCharOffset() >= json.stripTrailing().length()) {
            return " is not valid JSON: it ends in the middle of a value at " + where(at) + " (truncated?)";
        }
        if (e instanceof DatabindException databind) {
            return " is JSON but not a valid " + type.getRawClass().getSimpleName() + field(databind) + " at "
                    + where(at) + ": " + problem(databind);
        }
        boolean zeros = json.indexOf('\0') >= 0;  // what a machine crash may leave in a file's last blocks
        return " is not valid JSON at " + where(at)
                + (zeros ? ": it holds zero bytes (a crash of the machine or file system?)" : " (garbled?)");
    }

    /** What is wrong with a first line that is not this version's: no raw bytes of a garbled file. */
    private static String versionProblem(String line) {
        if (line.matches("v[0-9]{1,9}")) {
            return " has version '" + line + "'; this Sluice reads '" + VERSION + "'";
        }
        boolean text = line.chars().allMatch(c -> c >= 0x20 && c < 0x7f);
        return " does not start with the version line '" + VERSION + "': its first line is " + line.length()
                + " characters" + (text ? "" : ", not all of them text") + " (garbled, or not a checkpoint file?)";
    }

    /** A place in the file: Jackson counts the lines of the JSON document, which starts on the file's second. */
    private static String where(JsonLocation location) {
        if (location == null || location.getLineNr() < 1) {
            return "an unknown place";
        }
        return "line " + (location.getLineNr() + 1) + (location.getColumnNr() > 0 ? ", column " + location.getColumnNr() : "");
    }

    /** The field of a value that does not fit, as a JSON path ({@code sources.clicks[0].fromOffset}), if known. */
    private static String field(DatabindException e) {
        if (!(e instanceof JsonMappingException mapping) || mapping.getPath().isEmpty()) {
            return "";
        }
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : mapping.getPath()) {
            if (ref.getFieldName() != null) {
                path.append(path.length() == 0 ? "" : ".").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.length() == 0 ? "" : " (field '" + path + "')";
    }

    /** Why a value does not fit: our own check's message, or the kind of problem (Jackson's quotes the value). */
    private static String problem(DatabindException e) {
        if (e instanceof ValueInstantiationException && e.getCause() != null && e.getCause().getMessage() != null) {
            return e.getCause().getMessage();
        }
        if (e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
            return "expected a " + mismatch.getTargetType().getSimpleName() + " there";
        }
        return "a value of the wrong type or shape";
    }
}
