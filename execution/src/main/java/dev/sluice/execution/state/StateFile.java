package dev.sluice.execution.state;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.execution.checkpoint.CheckpointFileDefect;
import dev.sluice.execution.fs.AtomicFileWriter;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * One state file, {@code <version>.delta} or {@code <version>.snapshot}: the version line {@code v1}, a
 * one-line JSON {@link Header}, then binary entries (big-endian): {@code int keyLength, key bytes,
 * int valueLength, value bytes}, where a value length of -1 marks a removed key (deltas only), and an end
 * marker {@code int -1} in place of a key length. Written atomically by {@link AtomicFileWriter}.
 */
final class StateFile {
    static final String VERSION = "v1";
    static final String DELTA = "delta";
    static final String SNAPSHOT = "snapshot";
    private static final int REMOVED = -1;
    private static final int END = -1;
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /**
     * @param kind {@code delta} or {@code snapshot}
     * @param version the state version the file brings the state to
     * @param previousVersion for a delta, the version it applies to (-1 for the first); for a snapshot, -1
     * @param fingerprint the {@link StateSchema} fingerprint of the operator
     * @param entries how many entries follow, checked on read
     */
    record Header(String operatorId, String kind, long version, long previousVersion, String fingerprint,
                  long entries) {
        Header {
            requireNonNull(operatorId, "operatorId is null");
            requireNonNull(kind, "kind is null");
            requireNonNull(fingerprint, "fingerprint is null");
        }
    }

    /** Receives the entries of a file as they are read; a null value is a removal. */
    interface EntryConsumer {
        void accept(byte[] key, byte[] value);
    }

    private StateFile() {
    }

    static String name(long version, String kind) {
        return version + "." + kind;
    }

    /** Writes (replacing) {@code file}; a null value in {@code entries} marks a removed key. */
    static void write(FileSystem fs, Path file, Header header, Iterable<Map.Entry<StateKey, byte[]>> entries) {
        AtomicFileWriter.write(fs, file, stream -> {
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(stream, 1 << 16));
            out.write((VERSION + "\n").getBytes(StandardCharsets.UTF_8));
            out.write(JSON.writeValueAsBytes(header));
            out.write('\n');
            long written = 0;
            for (Map.Entry<StateKey, byte[]> entry : entries) {
                byte[] key = entry.getKey().bytes();
                out.writeInt(key.length);
                out.write(key);
                byte[] value = entry.getValue();
                if (value == null) {
                    out.writeInt(REMOVED);
                } else {
                    out.writeInt(value.length);
                    out.write(value);
                }
                written++;
            }
            out.writeInt(END);
            out.flush();
            if (written != header.entries()) {
                throw new IllegalStateException("wrote " + written + " entries, header says " + header.entries());
            }
        });
    }

    /** Reads {@code file}, passing each entry to {@code consumer}; returns its header. */
    static Header read(FileSystem fs, Path file, EntryConsumer consumer) {
        try (InputStream stream = fs.open(file)) {
            DataInputStream in = new DataInputStream(new BufferedInputStream(stream, 1 << 16));
            String version = readLine(in);
            if (!version.equals(VERSION)) {
                throw new IllegalStateException("State file " + file + CheckpointFileDefect.ofVersionLine(version, VERSION));
            }
            String headerLine = readLine(in);
            Header header;
            try {
                header = JSON.readValue(headerLine, Header.class);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("State file " + file
                        + CheckpointFileDefect.ofJson(e, headerLine, 1, Header.class));
            }
            long entries = 0;
            for (int keyLength = in.readInt(); keyLength != END; keyLength = in.readInt()) {
                byte[] key = readBytes(in, keyLength, file);
                int valueLength = in.readInt();
                consumer.accept(key, valueLength == REMOVED ? null : readBytes(in, valueLength, file));
                entries++;
            }
            if (entries != header.entries()) {
                throw new IllegalStateException("State file " + file + " is corrupt: " + entries
                        + " entries, its header says " + header.entries());
            }
            return header;
        } catch (EOFException e) {
            throw new IllegalStateException("State file " + file + " is truncated", e);
        } catch (IOException e) {
            throw new UncheckedIOException("Can't read state file " + file + ": " + e.getMessage(), e);
        }
    }

    private static byte[] readBytes(DataInputStream in, int length, Path file) throws IOException {
        if (length < 0) {
            throw new IllegalStateException("State file " + file + " is corrupt: length " + length);
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return bytes;
    }

    private static String readLine(DataInputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new EOFException();
            }
            line.write(b);
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    /** Writes the schema file unless it exists; returns the schema in the file either way. */
    static StateSchema writeSchemaIfAbsent(FileSystem fs, Path file, StateSchema schema) {
        AtomicFileWriter.writeIfAbsent(fs, file, out -> {
            out.write((VERSION + "\n").getBytes(StandardCharsets.UTF_8));
            out.write(JSON.writeValueAsBytes(schema));
            out.write('\n');
        });
        try (InputStream stream = fs.open(file)) {
            String text = new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            int newline = text.indexOf('\n');
            String version = newline < 0 ? text : text.substring(0, newline);
            if (!version.equals(VERSION)) {
                throw new IllegalStateException("State schema file " + file
                        + CheckpointFileDefect.ofVersionLine(version, VERSION));
            }
            String json = text.substring(newline + 1);
            try {
                return JSON.readValue(json, StateSchema.class);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("State schema file " + file
                        + CheckpointFileDefect.ofJson(e, json, 1, StateSchema.class));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Can't read state schema file " + file + ": " + e.getMessage(), e);
        }
    }
}
