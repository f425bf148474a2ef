package dev.sluice.execution.operator;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.plan.SortKey;
import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.RowSchema;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMilliVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * {@link RowOrdering}'s order (SQL's: each key's direction, NULLs first or last as the key says, later keys
 * breaking ties), over rows read straight from their vectors: numbers, booleans and times unboxed, strings
 * compared on their UTF-8 bytes. No Java object per value.
 *
 * <p>Strings: the order is Java's {@code String.compareTo} (UTF-16 code units), as the boxed ordering's, not the
 * bytes' (code points): the two differ only where a character of U+E000..U+FFFF meets one beyond U+FFFF, which
 * the comparison at the first differing byte corrects. Bytes that are not valid UTF-8 (a raw or JSON record's
 * text is copied as it came) read as Java reads them, with U+FFFD in place of what is malformed: a key column
 * in which {@link #admit} finds such bytes is compared as decoded strings from then on.
 *
 * <p>Use: {@link #keyColumns} of each batch, {@link #admit} each, then {@link #compare} rows (or their
 * {@link #prefix}es first). Not thread-safe.
 */
final class VectorRowOrdering {
    private static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    private final int[] columns;
    private final ColumnType[] types;
    private final boolean[] descending;
    private final boolean[] nullsFirst;
    /** Per key: its strings are compared decoded, as some were not valid UTF-8. */
    private final boolean[] decoded;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);

    /** The order by {@code keys} of rows of {@code schema}. */
    VectorRowOrdering(RowSchema schema, List<SortKey> keys) {
        requireNonNull(schema, "schema is null");
        int n = keys.size();
        this.columns = new int[n];
        this.types = new ColumnType[n];
        this.descending = new boolean[n];
        this.nullsFirst = new boolean[n];
        this.decoded = new boolean[n];
        for (int k = 0; k < n; k++) {
            SortKey key = keys.get(k);
            if (key.column() >= schema.size()) {
                throw new IllegalArgumentException("Sort key column " + key.column() + " is not a column of " + schema);
            }
            columns[k] = key.column();
            types[k] = schema.column(key.column()).type();
            descending[k] = key.descending();
            nullsFirst[k] = key.nullsFirst();
        }
    }

    /** The vectors of {@code rows} that the keys read, in key order: what {@link #compare} takes. */
    FieldVector[] keyColumns(VectorSchemaRoot rows) {
        FieldVector[] vectors = new FieldVector[columns.length];
        for (int k = 0; k < columns.length; k++) {
            vectors[k] = rows.getVector(columns[k]);
        }
        return vectors;
    }

    /** Takes a batch's key columns into account before its rows are compared: checks their strings are UTF-8. */
    void admit(FieldVector[] keyColumns, int rowCount) {
        for (int k = 0; k < types.length; k++) {
            if (types[k] == ColumnType.VARCHAR && !decoded[k] && !isUtf8((VarCharVector) keyColumns[k], rowCount)) {
                decoded[k] = true;
            }
        }
    }

    /**
     * The order of row {@code rowA} of key columns {@code a} and row {@code rowB} of key columns {@code b}
     * (both {@link #admit}ted): negative if A comes first, 0 if they tie on every key, positive if B does.
     */
    int compare(FieldVector[] a, int rowA, FieldVector[] b, int rowB) {
        for (int k = 0; k < types.length; k++) {
            FieldVector x = a[k];
            FieldVector y = b[k];
            boolean xNull = x.isNull(rowA);
            boolean yNull = y.isNull(rowB);
            if (xNull || yNull) {
                if (xNull != yNull) {
                    return xNull == nullsFirst[k] ? -1 : 1;  // not reversed by DESC
                }
                continue;
            }
            int c = switch (types[k]) {
                case BIGINT -> Long.compare(((BigIntVector) x).get(rowA), ((BigIntVector) y).get(rowB));
                case TIMESTAMP -> Long.compare(((TimeStampMilliVector) x).get(rowA), ((TimeStampMilliVector) y).get(rowB));
                case INTEGER -> Integer.compare(((IntVector) x).get(rowA), ((IntVector) y).get(rowB));
                case DOUBLE -> Double.compare(((Float8Vector) x).get(rowA), ((Float8Vector) y).get(rowB));
                case BOOLEAN -> Integer.compare(((BitVector) x).get(rowA), ((BitVector) y).get(rowB));
                case VARCHAR -> decoded[k]
                        ? Integer.signum(decode((VarCharVector) x, rowA).compareTo(decode((VarCharVector) y, rowB)))
                        : compareUtf8((VarCharVector) x, rowA, (VarCharVector) y, rowB);
            };
            if (c != 0) {
                return descending[k] ? -c : c;
            }
        }
        return 0;
    }

    /**
     * A number whose order (signed) is the order of the first key's values where two rows' numbers differ: rows
     * whose numbers differ compare as their numbers do, rows whose numbers are equal must be {@link #compare}d.
     * The value itself for numbers, times and booleans (a double's bits made to order as {@code Double.compare}
     * does), reversed for DESC; a string's first bytes; NULL the smallest or largest number.
     */
    long prefix(FieldVector[] keyColumns, int row) {
        FieldVector vector = keyColumns[0];
        if (vector.isNull(row)) {
            return nullsFirst[0] ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        long value = switch (types[0]) {
            case BIGINT -> ((BigIntVector) vector).get(row);
            case TIMESTAMP -> ((TimeStampMilliVector) vector).get(row);
            case INTEGER -> ((IntVector) vector).get(row);
            case BOOLEAN -> ((BitVector) vector).get(row);
            case DOUBLE -> {
                long bits = Double.doubleToLongBits(((Float8Vector) vector).get(row));
                yield bits ^ ((bits >> 63) & Long.MAX_VALUE);
            }
            case VARCHAR -> decoded[0] ? 0 : utf8Prefix((VarCharVector) vector, row) ^ Long.MIN_VALUE;
        };
        return descending[0] ? ~value : value;
    }

    /**
     * The first eight bytes of a valid UTF-8 value, from the highest, 0 past its end, up to the first byte of a
     * character of U+E000 and beyond (0xEE or more) and 0xFF from there: where two values' prefixes differ
     * (unsigned), their strings compare as the prefixes do ({@link #compareFirstDifference}: bytes below 0xEE order
     * as UTF-16 does, and no byte of UTF-8 is 0xFF).
     */
    private static long utf8Prefix(VarCharVector vector, int row) {
        ArrowBuf data = vector.getDataBuffer();
        long start = vector.getStartOffset(row);
        int length = Math.min(Long.BYTES, vector.getValueLength(row));
        long prefix = 0;
        for (int i = 0; i < length; i++) {
            int b = data.getByte(start + i) & 0xFF;
            if (b >= 0xEE) {
                return prefix | (-1L >>> (8 * i));
            }
            prefix |= (long) b << (56 - 8 * i);
        }
        return prefix;
    }

    /** {@code String.compareTo}'s order (its sign) of two valid UTF-8 values, read from their bytes. */
    static int compareUtf8(VarCharVector x, int rowX, VarCharVector y, int rowY) {
        ArrowBuf xData = x.getDataBuffer();
        ArrowBuf yData = y.getDataBuffer();
        long xStart = x.getStartOffset(rowX);
        long yStart = y.getStartOffset(rowY);
        int xLength = x.getValueLength(rowX);
        int yLength = y.getValueLength(rowY);
        int common = Math.min(xLength, yLength);
        int i = 0;
        if (LITTLE_ENDIAN) {
            for (; i + Long.BYTES <= common; i += Long.BYTES) {
                long xWord = xData.getLong(xStart + i);
                long yWord = yData.getLong(yStart + i);
                if (xWord != yWord) {
                    i += Long.numberOfTrailingZeros(xWord ^ yWord) >>> 3;  // the first differing byte
                    return compareFirstDifference(xData.getByte(xStart + i), yData.getByte(yStart + i));
                }
            }
        }
        for (; i < common; i++) {
            byte xByte = xData.getByte(xStart + i);
            byte yByte = yData.getByte(yStart + i);
            if (xByte != yByte) {
                return compareFirstDifference(xByte, yByte);
            }
        }
        return Integer.compare(xLength, yLength);
    }

    /**
     * The order of two valid UTF-8 strings equal up to these, their first differing bytes. With equal bytes before,
     * both are continuation bytes of characters begun alike, or both begin a character: then bytes order characters
     * by code point, and UTF-16 differs only in putting U+E000..U+FFFF (first byte 0xEE or 0xEF) after the
     * characters beyond U+FFFF (first byte 0xF0 to 0xF4: surrogates, U+D800..U+DFFF, in UTF-16).
     */
    private static int compareFirstDifference(byte xByte, byte yByte) {
        int x = xByte & 0xFF;
        int y = yByte & 0xFF;
        if (x >= 0xEE && y >= 0xEE && (x >= 0xF0) != (y >= 0xF0)) {
            return x >= 0xF0 ? -1 : 1;
        }
        return Integer.compare(x, y);
    }

    private static String decode(VarCharVector vector, int row) {
        return new String(vector.get(row), StandardCharsets.UTF_8);
    }

    /** Whether every value of the first {@code rowCount} rows is valid UTF-8 (all ASCII, most of the time). */
    private boolean isUtf8(VarCharVector vector, int rowCount) {
        if (rowCount == 0) {
            return true;
        }
        ArrowBuf data = vector.getDataBuffer();
        long start = vector.getStartOffset(0);
        long end = vector.getStartOffset(rowCount - 1) + vector.getValueLength(rowCount - 1);
        long i = start;
        boolean ascii = true;
        for (; i + Long.BYTES <= end && ascii; i += Long.BYTES) {
            ascii = (data.getLong(i) & 0x8080808080808080L) == 0;
        }
        for (; i < end && ascii; i++) {
            ascii = data.getByte(i) >= 0;
        }
        if (ascii) {
            return true;
        }
        for (int row = 0; row < rowCount; row++) {
            if (!vector.isNull(row)) {
                try {
                    utf8.reset().decode(data.nioBuffer(vector.getStartOffset(row), vector.getValueLength(row)));
                } catch (CharacterCodingException e) {
                    return false;
                }
            }
        }
        return true;
    }
}
