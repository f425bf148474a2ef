package dev.sluice.connectors.format;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.RowSchema;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMilliVector;
import org.apache.arrow.vector.VarCharVector;

/**
 * Decodes JSON objects (one per record value) into the Arrow vectors of the requested columns: the common
 * shape of record straight from its bytes ({@link JsonBytesScanner}), any other with Jackson's streaming
 * parser (no tree, no per-field strings), which also words every error.
 *
 * <p>Rules:
 * <ul>
 *   <li>the value must be one JSON object; fields are matched to columns by exact name; other fields are
 *       skipped unparsed; a missing field or JSON {@code null} gives NULL;</li>
 *   <li>INTEGER takes an integral number within the 32-bit range, BIGINT an integral number within the
 *       64-bit range, DOUBLE any number, BOOLEAN {@code true}/{@code false};</li>
 *   <li>VARCHAR takes a string, or a number or boolean as its JSON text (objects and arrays are errors);</li>
 *   <li>TIMESTAMP takes an integral number (epoch milliseconds) or a string {@code yyyy-MM-dd HH:mm:ss[.SSS]}
 *       or ISO-8601 such as {@code 2023-11-14T22:13:20.123Z} (no zone means UTC).</li>
 * </ul>
 * Anything else, including invalid JSON and a null value, is a {@link RecordDecoderException} whose reason
 * names the column and what was found.
 *
 * <p>A decoder knows all the table's declared columns and checks every one of them in every record, also
 * those a query does not read (only validated: the token's type is checked and the value skipped, nothing
 * is written to a vector), so whether a record is malformed never depends on which columns are read.
 * Not thread-safe.
 */
public final class JsonRecordDecoder implements RecordDecoder {
    /** Longest piece of a bad value quoted in an error. */
    private static final int MAX_QUOTED_CHARS = 60;

    // One factory per decoder: its symbol table of field names is then shared by no other thread.
    private final JsonFactory factory = new JsonFactory();
    /** The decoded columns, in the order of the bound vectors. */
    private final JsonColumn[] targets;
    /** Every declared column: the decoded ones and those only checked. */
    private final Map<String, JsonColumn> targetsByName;
    /** Decodes the common shape of record from its bytes; Jackson takes the records it leaves. */
    private final JsonBytesScanner scanner;
    /** Whether to try {@link #scanner} first; false only in tests that compare it with Jackson's path. */
    private final boolean fastPath;
    /** Records decoded by {@link #scanner} (the rest went to Jackson); tests read it. */
    private long scannedRecords;
    /** Identifies the record being decoded, to know which columns it has set (no per-record clearing). */
    private long recordStamp;
    private byte[] utf8 = new byte[256];

    /** A decoder filling one vector per column of {@code columns}, in that order; the table has no other column. */
    public JsonRecordDecoder(RowSchema columns) {
        this(columns, columns);
    }

    /**
     * A decoder filling one vector per column of {@code decoded}, in that order, that also checks the fields
     * of the other {@code declared} columns without decoding them.
     *
     * @param declared every column of the table
     * @param decoded the columns to decode, each one of {@code declared} (possibly none)
     * @throws IllegalArgumentException if a column is given twice or a decoded column is not declared
     */
    public JsonRecordDecoder(RowSchema declared, RowSchema decoded) {
        this(declared, decoded, true);
    }

    /** As {@link #JsonRecordDecoder(RowSchema, RowSchema)}; {@code fastPath} false decodes every record with Jackson. */
    JsonRecordDecoder(RowSchema declared, RowSchema decoded, boolean fastPath) {
        this.fastPath = fastPath;
        requireNonNull(declared, "declared is null");
        requireNonNull(decoded, "decoded is null");
        targets = new JsonColumn[decoded.size()];
        targetsByName = new HashMap<>();
        for (int i = 0; i < targets.length; i++) {
            Column column = decoded.column(i);
            // Jackson interns field names, so interned keys make most map lookups an identity check.
            JsonColumn target = new JsonColumn(column.name(), column.type(), true);
            if (targetsByName.put(target.name, target) != null) {
                throw new IllegalArgumentException("Column '" + column.name() + "' is requested twice");
            }
            targets[i] = target;
        }
        for (Column column : declared.columns()) {
            JsonColumn target = targetsByName.get(column.name());
            if (target == null) {
                targetsByName.put(column.name().intern(), new JsonColumn(column.name(), column.type(), false));
            } else if (target.type != column.type()) {
                throw new IllegalArgumentException("Column '" + column.name() + "' is declared " + column.type().sqlName()
                        + " but decoded as " + target.type.sqlName());
            }
        }
        for (JsonColumn target : targets) {
            if (declared.find(target.name).isEmpty()) {
                throw new IllegalArgumentException("Column '" + target.name + "' is decoded but not declared (columns: "
                        + String.join(", ", declared.names()) + ")");
            }
        }
        scanner = new JsonBytesScanner(declared.columns().stream().map(c -> targetsByName.get(c.name()))
                .toArray(JsonColumn[]::new));
    }

    @Override
    public void bind(List<? extends FieldVector> vectors) {
        if (vectors.size() != targets.length) {
            throw new IllegalArgumentException("Expected " + targets.length + " vectors, got " + vectors.size());
        }
        for (int i = 0; i < targets.length; i++) {
            targets[i].bind(vectors.get(i));
        }
    }

    @Override
    public void decode(byte[] value, int offset, int length, int row) throws RecordDecoderException {
        if (value == null) {
            throw new RecordDecoderException("record value is null");
        }
        long stamp = ++recordStamp;
        if (fastPath) {
            if (scanner.decode(value, offset, length, row, stamp)) {
                scannedRecords++;
                nullUnwritten(row, stamp);
                return;
            }
            for (JsonColumn target : targets) {
                target.forget(row, stamp);
            }
            stamp = ++recordStamp;
        }
        try (JsonParser parser = factory.createParser(value, offset, length)) {
            JsonToken token = parser.nextToken();
            if (token != JsonToken.START_OBJECT) {
                throw failure(row, stamp, "expected a JSON object, found " + describe(parser, token));
            }
            String name;
            while ((name = parser.nextFieldName()) != null) {
                JsonColumn target = targetsByName.get(name);
                token = parser.nextToken();
                if (target == null) {
                    parser.skipChildren();
                } else if (target.decoded) {
                    write(target, parser, token, row, stamp);
                } else {
                    check(target, parser, token, row, stamp);
                }
            }
            if (parser.nextToken() != null) {
                throw failure(row, stamp, "invalid JSON: more than one value in the record");
            }
        } catch (JsonProcessingException e) {
            throw failure(row, stamp, invalidJson(e));
        } catch (IOException e) {
            throw failure(row, stamp, "unreadable JSON: " + e.getMessage());
        }
        nullUnwritten(row, stamp);
    }

    /** How many records the fast path decoded (the others went to Jackson). */
    long scannedRecords() {
        return scannedRecords;
    }

    /** How many field names the fast path scanned and looked up, rather than matched in place (tests read it). */
    long namesScanned() {
        return scanner.namesScanned();
    }

    /** A decoded column the record of {@code stamp} did not write is NULL in {@code row}. */
    private void nullUnwritten(int row, long stamp) {
        for (JsonColumn target : targets) {
            if (target.stamp != stamp) {
                target.vector.setNull(row);
            }
        }
    }

    private void write(JsonColumn target, JsonParser parser, JsonToken token, int row, long stamp)
            throws IOException, RecordDecoderException {
        target.written(stamp);
        if (token == JsonToken.VALUE_NULL) {
            target.vector.setNull(row);
            return;
        }
        switch (target.type) {
            case INTEGER -> {
                if (token != JsonToken.VALUE_NUMBER_INT) {
                    throw mismatch(target, "an integer", parser, token, row, stamp);
                }
                if (parser.getNumberType() != JsonParser.NumberType.INT) {
                    throw outOfRange(target, parser, row, stamp);
                }
                ((IntVector) target.vector).setSafe(row, parser.getIntValue());
            }
            case BIGINT -> ((BigIntVector) target.vector).setSafe(row, integral(target, parser, token, row, stamp));
            case DOUBLE -> {
                if (token != JsonToken.VALUE_NUMBER_INT && token != JsonToken.VALUE_NUMBER_FLOAT) {
                    throw mismatch(target, "a number", parser, token, row, stamp);
                }
                ((Float8Vector) target.vector).setSafe(row, parser.getDoubleValue());
            }
            case BOOLEAN -> {
                if (token != JsonToken.VALUE_TRUE && token != JsonToken.VALUE_FALSE) {
                    throw mismatch(target, "true or false", parser, token, row, stamp);
                }
                ((BitVector) target.vector).setSafe(row, token == JsonToken.VALUE_TRUE ? 1 : 0);
            }
            case VARCHAR -> {
                if (!token.isScalarValue()) {
                    throw mismatch(target, "a string", parser, token, row, stamp);
                }
                // Strings, numbers and booleans alike: the token's text, straight from the parser's buffer.
                int length = encodeUtf8(parser.getTextCharacters(), parser.getTextOffset(), parser.getTextLength());
                target.varChar.setSafe(row, utf8, 0, length);
            }
            case TIMESTAMP -> {
                long millis;
                if (token == JsonToken.VALUE_STRING) {
                    millis = TimestampDecoder.parse(parser.getTextCharacters(), parser.getTextOffset(),
                            parser.getTextLength());
                    if (millis == TimestampDecoder.INVALID) {
                        throw mismatch(target, "a timestamp 'yyyy-MM-dd HH:mm:ss[.SSS]' or ISO-8601", parser,
                                token, row, stamp);
                    }
                } else if (token == JsonToken.VALUE_NUMBER_INT) {
                    millis = integral(target, parser, token, row, stamp);
                } else {
                    throw mismatch(target, "epoch milliseconds or a timestamp string", parser, token, row, stamp);
                }
                ((TimeStampMilliVector) target.vector).setSafe(row, millis);
            }
            default -> throw new IllegalStateException("Unsupported column type " + target.type);
        }
    }

    /**
     * Checks a field the query does not read as {@link #write} would decode it, without materialising it:
     * a string or a number that is not needed is skipped by the parser unread.
     */
    private void check(JsonColumn target, JsonParser parser, JsonToken token, int row, long stamp)
            throws IOException, RecordDecoderException {
        if (token == JsonToken.VALUE_NULL) {
            return;
        }
        switch (target.type) {
            case INTEGER -> {
                if (token != JsonToken.VALUE_NUMBER_INT) {
                    throw mismatch(target, "an integer", parser, token, row, stamp);
                }
                if (parser.getNumberType() != JsonParser.NumberType.INT) {
                    throw outOfRange(target, parser, row, stamp);
                }
            }
            case BIGINT -> {
                if (token != JsonToken.VALUE_NUMBER_INT) {
                    throw mismatch(target, "an integer", parser, token, row, stamp);
                }
                if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                    throw outOfRange(target, parser, row, stamp);
                }
            }
            case DOUBLE -> {
                if (token != JsonToken.VALUE_NUMBER_INT && token != JsonToken.VALUE_NUMBER_FLOAT) {
                    throw mismatch(target, "a number", parser, token, row, stamp);
                }
            }
            case BOOLEAN -> {
                if (token != JsonToken.VALUE_TRUE && token != JsonToken.VALUE_FALSE) {
                    throw mismatch(target, "true or false", parser, token, row, stamp);
                }
            }
            case VARCHAR -> {
                if (!token.isScalarValue()) {
                    throw mismatch(target, "a string", parser, token, row, stamp);
                }
            }
            case TIMESTAMP -> {
                if (token == JsonToken.VALUE_STRING) {
                    // Only a parse tells whether the text is a timestamp.
                    if (TimestampDecoder.parse(parser.getTextCharacters(), parser.getTextOffset(),
                            parser.getTextLength()) == TimestampDecoder.INVALID) {
                        throw mismatch(target, "a timestamp 'yyyy-MM-dd HH:mm:ss[.SSS]' or ISO-8601", parser,
                                token, row, stamp);
                    }
                } else if (token == JsonToken.VALUE_NUMBER_INT) {
                    integral(target, parser, token, row, stamp);
                } else {
                    throw mismatch(target, "epoch milliseconds or a timestamp string", parser, token, row, stamp);
                }
            }
            default -> throw new IllegalStateException("Unsupported column type " + target.type);
        }
    }

    private long integral(JsonColumn target, JsonParser parser, JsonToken token, int row, long stamp)
            throws IOException, RecordDecoderException {
        if (token != JsonToken.VALUE_NUMBER_INT) {
            throw mismatch(target, "an integer", parser, token, row, stamp);
        }
        if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            throw outOfRange(target, parser, row, stamp);
        }
        return parser.getLongValue();
    }

    private RecordDecoderException mismatch(JsonColumn target, String expected, JsonParser parser, JsonToken token,
            int row, long stamp) throws IOException {
        return failure(row, stamp, target.label() + ": expected " + expected + ", found " + describe(parser, token));
    }

    private RecordDecoderException outOfRange(JsonColumn target, JsonParser parser, int row, long stamp)
            throws IOException {
        return failure(row, stamp, target.label() + ": number " + quoted(parser.getText()) + " is out of "
                + target.type.sqlName() + " range");
    }

    /** Leaves {@code row} NULL in every vector this record has written to, and builds the error. */
    private RecordDecoderException failure(int row, long stamp, String reason) {
        for (JsonColumn target : targets) {
            target.forget(row, stamp);
        }
        return new RecordDecoderException(reason);
    }

    /** "invalid JSON at column 12: Unexpected character..." without Jackson's source description. */
    private static String invalidJson(JsonProcessingException e) {
        String message = e.getOriginalMessage();
        int startMarker = message.indexOf(" (start marker at");
        if (startMarker >= 0) {
            message = message.substring(0, startMarker);
        }
        JsonLocation location = e.getLocation();
        String where = "";
        if (location != null && location.getColumnNr() > 0) {
            where = location.getLineNr() > 1
                    ? " at line " + location.getLineNr() + ", column " + location.getColumnNr()
                    : " at column " + location.getColumnNr();
        }
        return "invalid JSON" + where + ": " + message;
    }

    private static String describe(JsonParser parser, JsonToken token) throws IOException {
        if (token == null) {
            return "end of input";
        }
        return switch (token) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "string \"" + quoted(parser.getText()) + "\"";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number " + quoted(parser.getText());
            case VALUE_TRUE, VALUE_FALSE, VALUE_NULL -> parser.getText();
            default -> token.asString() == null ? token.name() : token.asString();
        };
    }

    private static String quoted(String text) {
        return text.length() <= MAX_QUOTED_CHARS ? text : text.substring(0, MAX_QUOTED_CHARS) + "...";
    }

    /** Encodes {@code chars[offset, offset + length)} as UTF-8 into {@link #utf8}; returns the byte count. */
    private int encodeUtf8(char[] chars, int offset, int length) {
        if (utf8.length < length * 3) {
            utf8 = new byte[Math.max(length * 3, utf8.length * 2)];
        }
        byte[] out = utf8;
        int o = 0;
        int i = offset;
        int end = offset + length;
        while (i < end) {
            char c = chars[i++];
            if (c < 0x80) {
                out[o++] = (byte) c;
            } else if (c < 0x800) {
                out[o++] = (byte) (0xC0 | (c >> 6));
                out[o++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i < end && Character.isLowSurrogate(chars[i])) {
                int cp = Character.toCodePoint(c, chars[i++]);
                out[o++] = (byte) (0xF0 | (cp >> 18));
                out[o++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                out[o++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                out[o++] = (byte) (0x80 | (cp & 0x3F));
            } else if (Character.isSurrogate(c)) {
                out[o++] = '?'; // a lone surrogate (from a \\uD800-style escape) has no UTF-8 form
            } else {
                out[o++] = (byte) (0xE0 | (c >> 12));
                out[o++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                out[o++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        return o;
    }
}
