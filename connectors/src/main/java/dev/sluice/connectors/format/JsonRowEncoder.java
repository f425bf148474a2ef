package dev.sluice.connectors.format;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.sluice.execution.type.RowSchema;
import dev.sluice.execution.type.VectorValues;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Encodes rows of an Arrow batch as one JSON object each, keyed by column name. NULL values are written
 * as JSON null; TIMESTAMP as {@code "yyyy-MM-dd HH:mm:ss.SSS"}. Not thread-safe (reuses its buffer).
 *
 * <p>Writes the bytes itself, straight from the vectors (strings as they lie, escaped as Jackson escapes
 * them), with the same output as Jackson's generator, which it uses only for a row holding a string that is
 * not valid UTF-8 (Jackson writes U+FFFD for each bad sequence). Jackson's way cost about a microsecond per
 * row (a boxed value per column, a generator per row): most of a Kafka sink's encoding time.
 */
public final class JsonRowEncoder implements RecordEncoder {
    private static final JsonFactory FACTORY = new JsonFactory();
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL = "null".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TRUE = "true".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FALSE = "false".getBytes(StandardCharsets.US_ASCII);

    private final RowSchema schema;
    /** Per column: {@code "name":} with the name escaped, the comma before it for all but the first. */
    private final byte[][] fieldPrefixes;
    /** Whether Jackson writes every row (tests compare the two ways). */
    private final boolean jacksonOnly;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);
    private byte[] out = new byte[256];
    /** The leading field last encoded, and its bytes per value ({@link #leadingField}). */
    private String leadingFieldName;
    private final Map<String, byte[]> leadingFields = new HashMap<>();
    private int length;

    public JsonRowEncoder(RowSchema schema) {
        this(schema, false);
    }

    JsonRowEncoder(RowSchema schema, boolean jacksonOnly) {
        this.schema = requireNonNull(schema, "schema is null");
        this.jacksonOnly = jacksonOnly;
        this.fieldPrefixes = new byte[schema.size()][];
        for (int c = 0; c < schema.size(); c++) {
            length = 0;
            if (c > 0) {
                append((byte) ',');
            }
            appendString(schema.column(c).name().getBytes(StandardCharsets.UTF_8), 0,
                    schema.column(c).name().getBytes(StandardCharsets.UTF_8).length);
            append((byte) ':');
            fieldPrefixes[c] = Arrays.copyOf(out, length);
        }
    }

    /** The JSON text of row {@code row} of {@code root}, whose columns match the schema by position. */
    @Override
    public byte[] encode(VectorSchemaRoot root, int row) {
        return encode(null, null, root, row);
    }

    /**
     * The JSON text of row {@code row} of {@code root} led by the text field {@code field} = {@code fieldValue} (e.g. a changelog's
     * {@code "op": "+I"}), which the schema must not hold.
     */
    public byte[] encode(String field, String fieldValue, VectorSchemaRoot root, int row) {
        if (!jacksonOnly && encodeBytes(field, fieldValue, root.getFieldVectors(), row)) {
            return Arrays.copyOf(out, length);
        }
        return encodeWithJackson(field, fieldValue, root, row);
    }

    /**
     * {@code "field":"value",} as bytes (without the comma before no column), kept per value of the last field
     * asked for: a changelog's rows lead with one of a few ({@code "op":"+I"}), so no row encodes them again.
     */
    private byte[] leadingField(String field, String fieldValue) {
        if (!field.equals(leadingFieldName)) {
            leadingFieldName = field;
            leadingFields.clear();
        }
        byte[] bytes = leadingFields.get(fieldValue);
        if (bytes == null) {
            int start = length;
            byte[] name = field.getBytes(StandardCharsets.UTF_8);
            appendString(name, 0, name.length);
            append((byte) ':');
            if (fieldValue == null) {
                append(NULL);
            } else {
                byte[] value = fieldValue.getBytes(StandardCharsets.UTF_8);
                appendString(value, 0, value.length);
            }
            if (fieldPrefixes.length > 0) {
                append((byte) ',');
            }
            bytes = Arrays.copyOfRange(out, start, length);
            length = start;
            if (leadingFields.size() < 16) {  // a field of many values is encoded per row, not kept
                leadingFields.put(fieldValue, bytes);
            }
        }
        return bytes;
    }

    /** Writes the row into {@link #out}; false if a string is not valid UTF-8 (then Jackson writes the row). */
    private boolean encodeBytes(String field, String fieldValue, List<FieldVector> vectors, int row) {
        length = 0;
        append((byte) '{');
        if (field != null) {
            append(leadingField(field, fieldValue));
        }
        for (int c = 0; c < fieldPrefixes.length; c++) {
            append(fieldPrefixes[c]);
            FieldVector vector = vectors.get(c);
            if (vector.isNull(row)) {
                append(NULL);
            } else if (vector instanceof VarCharVector v) {
                byte[] bytes = v.get(row);
                if (!isUtf8(bytes)) {
                    return false;
                }
                appendString(bytes, 0, bytes.length);
            } else if (vector instanceof IntVector v) {
                appendAscii(Integer.toString(v.get(row)));
            } else if (vector instanceof BigIntVector v) {
                appendAscii(Long.toString(v.get(row)));
            } else if (vector instanceof Float8Vector v) {
                double d = v.get(row);
                if (Double.isFinite(d)) {
                    appendAscii(Double.toString(d));
                } else {
                    // Jackson's QUOTE_NON_NUMERIC_NUMBERS, on by default: "NaN", "Infinity", "-Infinity".
                    append((byte) '"');
                    appendAscii(Double.toString(d));
                    append((byte) '"');
                }
            } else if (vector instanceof BitVector v) {
                append(v.get(row) != 0 ? TRUE : FALSE);
            } else {
                // A timestamp (or another type) as its text, as Jackson's path writes it.
                byte[] text = VectorValues.format(VectorValues.get(vector, row)).getBytes(StandardCharsets.UTF_8);
                appendString(text, 0, text.length);
            }
        }
        append((byte) '}');
        return true;
    }

    /** A JSON string of UTF-8 {@code bytes[from, to)}, escaped as Jackson escapes: quote, backslash, controls. */
    private void appendString(byte[] bytes, int from, int to) {
        ensure(2 + 6 * (to - from));  // at most 6 bytes out per byte in (12 per 4-byte sequence)
        byte[] o = out;
        int n = length;
        o[n++] = '"';
        for (int i = from; i < to; i++) {
            byte b = bytes[i];
            if ((b & 0xF8) == 0xF0) {
                // Outside the BMP: Jackson writes the UTF-16 surrogate pair as two escapes (its default).
                int cp = (b & 0x07) << 18 | (bytes[i + 1] & 0x3F) << 12 | (bytes[i + 2] & 0x3F) << 6 | (bytes[i + 3] & 0x3F);
                n = unicodeEscape(o, n, Character.highSurrogate(cp));
                n = unicodeEscape(o, n, Character.lowSurrogate(cp));
                i += 3;
                continue;
            }
            if (b >= 0x20 && b != '"' && b != '\\' || b < 0) {
                o[n++] = b;
                continue;
            }
            o[n++] = '\\';
            switch (b) {
                case '"' -> o[n++] = '"';
                case '\\' -> o[n++] = '\\';
                case '\b' -> o[n++] = 'b';
                case '\t' -> o[n++] = 't';
                case '\n' -> o[n++] = 'n';
                case '\f' -> o[n++] = 'f';
                case '\r' -> o[n++] = 'r';
                default -> n = unicodeEscape(o, n - 1, (char) b);
            }
        }
        o[n++] = '"';
        length = n;
    }

    /** Writes a backslash, {@code u} and four upper-case hex digits (as Jackson) at {@code o[n]}; returns the position after it. */
    private static int unicodeEscape(byte[] o, int n, char c) {
        o[n++] = '\\';
        o[n++] = 'u';
        o[n++] = HEX[c >> 12];
        o[n++] = HEX[(c >> 8) & 0xF];
        o[n++] = HEX[(c >> 4) & 0xF];
        o[n++] = HEX[c & 0xF];
        return n;
    }

    private static boolean isUtf8(byte[] bytes) {
        for (int i = 0; i < bytes.length; ) {
            if (bytes[i] >= 0) {
                i++;
            } else {
                i = JsonBytesScanner.skipUtf8(bytes, i, bytes.length);
                if (i < 0) {
                    return false;
                }
            }
        }
        return true;
    }

    private void appendAscii(String s) {
        ensure(s.length());
        s.getBytes(0, s.length(), out, length);  // ASCII digits, signs, '.', 'E', letters: one byte each
        length += s.length();
    }

    private void append(byte[] bytes) {
        ensure(bytes.length);
        System.arraycopy(bytes, 0, out, length, bytes.length);
        length += bytes.length;
    }

    private void append(byte b) {
        ensure(1);
        out[length++] = b;
    }

    private void ensure(int more) {
        if (length + more > out.length) {
            out = Arrays.copyOf(out, Math.max(out.length * 2, length + more));
        }
    }

    private byte[] encodeWithJackson(String field, String fieldValue, VectorSchemaRoot root, int row) {
        buffer.reset();
        List<FieldVector> vectors = root.getFieldVectors();
        try (JsonGenerator g = FACTORY.createGenerator(buffer)) {
            g.writeStartObject();
            if (field != null) {
                g.writeStringField(field, fieldValue);
            }
            for (int c = 0; c < schema.size(); c++) {
                g.writeFieldName(schema.column(c).name());
                Object value = VectorValues.get(vectors.get(c), row);
                if (value == null) {
                    g.writeNull();
                } else if (value instanceof Boolean b) {
                    g.writeBoolean(b);
                } else if (value instanceof Integer i) {
                    g.writeNumber(i);
                } else if (value instanceof Long l) {
                    g.writeNumber(l);
                } else if (value instanceof Double d) {
                    g.writeNumber(d);
                } else if (value instanceof LocalDateTime t) {
                    g.writeString(VectorValues.format(t));
                } else {
                    g.writeString(value.toString());
                }
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buffer.toByteArray();
    }
}
