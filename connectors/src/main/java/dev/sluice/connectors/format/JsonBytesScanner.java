package dev.sluice.connectors.format;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMilliVector;

/**
 * The fast path of {@link JsonRecordDecoder}: one pass over a record's UTF-8 bytes for the common shape, a
 * flat object of strings without escapes, numbers, booleans and nulls. Field names are matched as bytes
 * (expecting the fields in the order the previous record had them), numbers are parsed from the bytes,
 * strings are copied into the vectors as they lie, and nothing is allocated.
 *
 * <p>It accepts only what Jackson accepts and produces the same values; anything else (an escape, a nested
 * value, a field name with an escape, a duplicate field, a number Jackson would see as a big
 * integer, a value of the wrong type, invalid JSON) makes {@link #decode} return false, and the caller
 * decodes the record again with Jackson, which decides and words any error. Profiled on Q1, Jackson's
 * tokenizer plus the char detour cost half of the query's CPU (docs/benchmark.md). Not thread-safe.
 */
final class JsonBytesScanner {
    /** Powers of ten a double holds exactly: the bound of Clinger's fast path. */
    private static final double[] EXACT_POWERS_OF_TEN = {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18,
        1e19, 1e20, 1e21, 1e22};
    /** Integers of at most this many digits fit a long; Jackson sees longer ones as possibly big integers. */
    private static final int MAX_LONG_DIGITS = 18;
    /**
     * Longest number, string and field name taken here, well below Jackson's limits (StreamReadConstraints:
     * 1,000 characters per number, 20 M per string, 50,000 per name), so that Jackson judges those.
     */
    private static final int MAX_NUMBER_BYTES = 100;
    private static final int MAX_STRING_BYTES = 1 << 20;
    private static final int MAX_NAME_BYTES = 1_000;
    private static final byte[] TRUE = "true".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FALSE = "false".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL = "null".getBytes(StandardCharsets.US_ASCII);

    private enum Kind { STRING, INTEGER, FLOAT, TRUE, FALSE, NULL }

    /** The most fields of a record whose names are remembered by position ({@link #layoutNames}). */
    private static final int MAX_LAYOUT_FIELDS = 64;

    private final JsonColumn[] columns;
    /**
     * The field names met at each position of the records, declared or not, as the last record that differed
     * there had them, and the declared column of each (null: not declared): records of a topic mostly keep one
     * layout, so a field's name is compared in place with the one its position had, and only scanned and looked
     * up when it differs. Each is as {@link #scanName} found it: no quote, backslash or control character.
     */
    private final byte[][] layoutNames = new byte[MAX_LAYOUT_FIELDS][];
    private final int[] layoutNameLengths = new int[MAX_LAYOUT_FIELDS];
    private final JsonColumn[] layoutColumns = new JsonColumn[MAX_LAYOUT_FIELDS];
    /** How many positions of {@link #layoutNames} are known. */
    private int layoutFields;
    private long namesScanned;
    private char[] chars = new char[32];

    // The value scanned last: its kind, its bytes [start, end) (a string's without the quotes), and for an
    // integer of at most MAX_LONG_DIGITS digits its value.
    private Kind kind;
    private int start;
    private int end;
    private long integer;
    private boolean fitsLong;
    // A number's digits without its point, and how many follow it; exactDouble if Clinger's fast path applies.
    private long significand;
    private int fractionDigits;
    private boolean exactDouble;

    /** A scanner over the declared {@code columns}, each decoded into its vector or only checked. */
    JsonBytesScanner(JsonColumn[] columns) {
        this.columns = columns.clone();
    }

    /**
     * Decodes the JSON object in {@code b[offset, offset + length)} into {@code row}, marking each decoded column
     * it writes with {@code stamp} ({@link JsonColumn#written}); false if the record is not of the shape this
     * path takes (what it wrote is then for the caller to {@link JsonColumn#forget}).
     */
    boolean decode(byte[] b, int offset, int length, int row, long stamp) {
        int limit = offset + length;
        int p = skipWhitespace(b, offset, limit);
        if (p >= limit || b[p] != '{') {
            return false;
        }
        p = skipWhitespace(b, p + 1, limit);
        if (p < limit && b[p] == '}') {
            return skipWhitespace(b, p + 1, limit) == limit;
        }
        for (int field = 0; p < limit && b[p] == '"'; field++) {
            int nameStart = p + 1;
            JsonColumn column;
            int q;
            if (field < layoutFields && isNameAt(b, nameStart, limit, layoutNames[field], layoutNameLengths[field])) {
                // The name this position had, matched in place: its bytes (without escapes) and the closing quote
                // are what scanName would find, at once.
                q = nameStart + layoutNameLengths[field];
                column = layoutColumns[field];
            } else {
                q = scanName(b, nameStart, limit);
                if (q < 0) {
                    return false;
                }
                column = find(b, nameStart, q - nameStart);
                remember(field, b, nameStart, q - nameStart, column);
                namesScanned++;
            }
            p = skipWhitespace(b, q + 1, limit);
            if (p >= limit || b[p] != ':') {
                return false;
            }
            p = scanValue(b, skipWhitespace(b, p + 1, limit), limit);
            if (p < 0) {
                return false;
            }
            if (column != null) {
                if (column.seen == stamp || !store(column, b, row, stamp)) {
                    return false;  // a duplicate (Jackson keeps the last), or not a value of the column's type
                }
                column.seen = stamp;
            }
            p = skipWhitespace(b, p, limit);
            if (p >= limit) {
                return false;
            }
            if (b[p] == '}') {
                return skipWhitespace(b, p + 1, limit) == limit;
            }
            if (b[p] != ',') {
                return false;
            }
            p = skipWhitespace(b, p + 1, limit);
        }
        return false;
    }

    /** How many field names were scanned and looked up rather than matched in place with their position's. */
    long namesScanned() {
        return namesScanned;
    }

    /**
     * The position of the quote ending the field name that starts at {@code from}, or -1 if the name is not one
     * this path takes (an escape, a control character, malformed UTF-8, too long, or no end).
     */
    private static int scanName(byte[] b, int from, int limit) {
        int q = from;
        while (q < limit && b[q] != '"') {
            if (b[q] < 0) {
                q = skipUtf8(b, q, limit);  // a non-ASCII name: well-formed UTF-8, matched byte for byte
                if (q < 0) {
                    return -1;
                }
            } else if (b[q] == '\\' || b[q] < 0x20) {  // an escape or a control character
                return -1;
            } else {
                q++;
            }
        }
        return q >= limit || q - from > MAX_NAME_BYTES ? -1 : q;
    }

    /**
     * Whether {@code b} holds the first {@code length} bytes of {@code name} at {@code from}, then a closing quote,
     * before {@code limit}.
     */
    private static boolean isNameAt(byte[] b, int from, int limit, byte[] name, int length) {
        int end = from + length;
        if (end >= limit || b[end] != '"') {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (b[from + i] != name[i]) {
                return false;
            }
        }
        return true;
    }

    /** Remembers the name {@code b[from, from + length)} and its column (or null) as the one of position {@code field}. */
    private void remember(int field, byte[] b, int from, int length, JsonColumn column) {
        if (field >= MAX_LAYOUT_FIELDS) {
            return;
        }
        byte[] name = layoutNames[field];
        if (name == null || name.length < length) {
            name = new byte[Math.max(length, 16)];  // once per position, or for a longer name there
            layoutNames[field] = name;
        }
        System.arraycopy(b, from, name, 0, length);
        layoutNameLengths[field] = length;
        layoutColumns[field] = column;
        layoutFields = Math.max(layoutFields, field + 1);
    }

    /** The declared column named {@code b[from, from + length)}, or null. */
    private JsonColumn find(byte[] b, int from, int length) {
        for (JsonColumn column : columns) {
            byte[] name = column.nameBytes;
            if (name.length == length && Arrays.equals(name, 0, length, b, from, from + length)) {
                return column;
            }
        }
        return null;
    }

    /**
     * Scans the scalar value at {@code p} into {@link #kind}, {@link #start}, {@link #end} and {@link #integer};
     * returns the position after it, or -1 if it is not a scalar this path takes.
     */
    private int scanValue(byte[] b, int p, int limit) {
        if (p >= limit) {
            return -1;
        }
        byte c = b[p];
        if (c == '"') {
            return scanString(b, p + 1, limit);
        }
        if (c == '-' || (c >= '0' && c <= '9')) {
            return scanNumber(b, p, limit);
        }
        byte[] literal = c == 't' ? TRUE : c == 'f' ? FALSE : c == 'n' ? NULL : null;
        if (literal == null || limit - p < literal.length
                || !Arrays.equals(literal, 0, literal.length, b, p, p + literal.length)
                || !endsValue(b, p + literal.length, limit)) {
            return -1;
        }
        kind = c == 't' ? Kind.TRUE : c == 'f' ? Kind.FALSE : Kind.NULL;
        start = p;
        end = p + literal.length;
        return end;
    }

    /** A string from {@code p}, just after its opening quote: valid UTF-8, no escape, no control character. */
    private int scanString(byte[] b, int p, int limit) {
        int q = p;
        while (q < limit) {
            byte c = b[q];
            if (c == '"') {
                if (q - p > MAX_STRING_BYTES) {
                    return -1;
                }
                kind = Kind.STRING;
                start = p;
                end = q;
                return q + 1;
            }
            if (c >= 0x20 && c != '\\') {
                q++;
            } else if (c < 0) {
                q = skipUtf8(b, q, limit);
                if (q < 0) {
                    return -1;
                }
            } else {
                return -1;  // an escape or a control character
            }
        }
        return -1;
    }

    /**
     * The position after the well-formed multi-byte UTF-8 sequence at {@code p} (RFC 3629: no overlong forms, no
     * surrogates, nothing past U+10FFFF), or -1.
     */
    static int skipUtf8(byte[] b, int p, int limit) {
        int lead = b[p] & 0xFF;
        int count;
        int min = 0x80;
        int max = 0xBF;
        if (lead >= 0xC2 && lead <= 0xDF) {
            count = 1;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            count = 2;
            if (lead == 0xE0) {
                min = 0xA0;
            } else if (lead == 0xED) {
                max = 0x9F;
            }
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            count = 3;
            if (lead == 0xF0) {
                min = 0x90;
            } else if (lead == 0xF4) {
                max = 0x8F;
            }
        } else {
            return -1;
        }
        if (limit - p <= count) {
            return -1;
        }
        int second = b[p + 1] & 0xFF;
        if (second < min || second > max) {
            return -1;
        }
        for (int i = 2; i <= count; i++) {
            if ((b[p + i] & 0xC0) != 0x80) {
                return -1;
            }
        }
        return p + count + 1;
    }

    /** A number as JSON writes it: {@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?}, then a delimiter. */
    private int scanNumber(byte[] b, int p, int limit) {
        int q = p;
        if (b[q] == '-') {
            q++;
        }
        int digitsStart = q;
        long value = 0;
        while (q < limit && b[q] >= '0' && b[q] <= '9') {
            value = value * 10 + (b[q] - '0');  // overflows only past MAX_LONG_DIGITS, when it is not used
            q++;
        }
        int digits = q - digitsStart;
        if (digits == 0 || (digits > 1 && b[digitsStart] == '0')) {
            return -1;  // no digit, or a leading zero (Jackson refuses it)
        }
        boolean fraction = false;
        long significand = value;  // the integer and fraction digits, while they are few enough to be exact
        int fractionDigits = 0;
        if (q < limit && b[q] == '.') {
            fraction = true;
            int fractionStart = ++q;
            while (q < limit && b[q] >= '0' && b[q] <= '9') {
                significand = significand * 10 + (b[q] - '0');
                q++;
            }
            fractionDigits = q - fractionStart;
            if (fractionDigits == 0) {
                return -1;
            }
        }
        // Clinger's fast path applies: at most 15 digits (below 2^53) over an exact power of ten, no exponent.
        exactDouble = digits + fractionDigits <= 15 && fractionDigits < EXACT_POWERS_OF_TEN.length;
        if (q < limit && (b[q] == 'e' || b[q] == 'E')) {
            exactDouble = false;
            fraction = true;
            q++;
            if (q < limit && (b[q] == '+' || b[q] == '-')) {
                q++;
            }
            int exponentStart = q;
            while (q < limit && b[q] >= '0' && b[q] <= '9') {
                q++;
            }
            if (q == exponentStart) {
                return -1;
            }
        }
        if (!endsValue(b, q, limit) || q - p > MAX_NUMBER_BYTES) {
            return -1;
        }
        kind = fraction ? Kind.FLOAT : Kind.INTEGER;
        start = p;
        end = q;
        fitsLong = !fraction && digits <= MAX_LONG_DIGITS;
        integer = b[p] == '-' ? -value : value;
        this.significand = significand;
        this.fractionDigits = fractionDigits;
        return q;
    }

    /** Whether a number or literal may end before {@code b[p]}: whitespace, a comma, a closing brace or bracket. */
    private static boolean endsValue(byte[] b, int p, int limit) {
        if (p >= limit) {
            return false;  // the object is not closed: Jackson says so
        }
        byte c = b[p];
        return c == ',' || c == '}' || c == ']' || c == ' ' || c == '\n' || c == '\r' || c == '\t';
    }

    /**
     * Checks the scanned value against {@code column}'s type as Jackson's path does, and writes it if the column
     * is decoded; false to leave the record to Jackson.
     */
    private boolean store(JsonColumn column, byte[] b, int row, long stamp) {
        if (kind == Kind.NULL) {
            if (column.decoded) {
                column.written(stamp);
                column.vector.setNull(row);
            }
            return true;
        }
        switch (column.type) {
            case INTEGER -> {
                if (kind != Kind.INTEGER || !fitsLong || integer != (int) integer) {
                    return false;
                }
                if (column.decoded) {
                    column.written(stamp);
                    ((IntVector) column.vector).setSafe(row, (int) integer);
                }
            }
            case BIGINT -> {
                if (kind != Kind.INTEGER || !fitsLong) {
                    return false;
                }
                if (column.decoded) {
                    column.written(stamp);
                    ((BigIntVector) column.vector).setSafe(row, integer);
                }
            }
            case DOUBLE -> {
                if (kind == Kind.INTEGER ? !fitsLong : kind != Kind.FLOAT) {
                    return false;
                }
                if (column.decoded) {
                    column.written(stamp);
                    ((Float8Vector) column.vector).setSafe(row, kind == Kind.INTEGER ? (double) integer : parseDouble(b));
                }
            }
            case BOOLEAN -> {
                if (kind != Kind.TRUE && kind != Kind.FALSE) {
                    return false;
                }
                if (column.decoded) {
                    column.written(stamp);
                    ((BitVector) column.vector).setSafe(row, kind == Kind.TRUE ? 1 : 0);
                }
            }
            case VARCHAR -> {
                // A string's bytes as they lie; a number's or a boolean's JSON text, as Jackson's path takes it.
                if (column.decoded) {
                    column.written(stamp);
                    column.varChar.setSafe(row, b, start, end - start);
                }
            }
            case TIMESTAMP -> {
                long millis;
                if (kind == Kind.STRING) {
                    millis = parseTimestamp(b);
                    if (millis == TimestampDecoder.INVALID) {
                        return false;
                    }
                } else if (kind == Kind.INTEGER && fitsLong) {
                    millis = integer;
                } else {
                    return false;
                }
                if (column.decoded) {
                    column.written(stamp);
                    ((TimeStampMilliVector) column.vector).setSafe(row, millis);
                }
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    /**
     * The scanned number as the closest double, as {@link Double#parseDouble} (Jackson's) gives it: from the
     * digits scanned when significand and power of ten are both exact doubles (Clinger's fast path: one
     * correctly rounded division), else by {@link Double#parseDouble}.
     */
    private double parseDouble(byte[] b) {
        if (exactDouble) {
            double d = (double) significand / EXACT_POWERS_OF_TEN[fractionDigits];
            return b[start] == '-' ? -d : d;
        }
        return Double.parseDouble(new String(b, start, end - start, StandardCharsets.US_ASCII));
    }

    private long parseTimestamp(byte[] b) {
        int length = end - start;
        if (chars.length < length) {
            chars = new char[Math.max(length, chars.length * 2)];
        }
        for (int i = 0; i < length; i++) {
            byte c = b[start + i];
            if (c < 0) {
                return TimestampDecoder.INVALID;
            }
            chars[i] = (char) c;
        }
        return TimestampDecoder.parse(chars, 0, length);
    }

    private static int skipWhitespace(byte[] b, int p, int limit) {
        if (p < limit && b[p] > ' ') {
            return p;  // mostly: no whitespace at all
        }
        while (p < limit) {
            byte c = b[p];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return p;
            }
            p++;
        }
        return p;
    }
}
