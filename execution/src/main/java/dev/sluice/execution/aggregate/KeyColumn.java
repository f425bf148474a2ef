package dev.sluice.execution.aggregate;

import dev.sluice.execution.state.ByteArrayWriter;
import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.VectorValues;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMilliVector;
import org.apache.arrow.vector.VarCharVector;

/**
 * The byte encoding of one column's values inside a group key (and of COUNT(DISTINCT) values): a flag byte
 * (0 NULL, 1 a value) then, for a value, 1 byte (BOOLEAN), 4 (INTEGER), 8 (BIGINT, TIMESTAMP, DOUBLE) or a
 * 4-byte length and the UTF-8 bytes (VARCHAR). Equal SQL values have equal bytes: DOUBLE -0.0 is written as
 * 0.0 and every NaN as the canonical NaN, so they group together as in Spark.
 *
 * <p>Encoding works a column at a time over a run of rows ({@link #addLengths}, then {@link #write}), so each
 * loop runs over one vector type; a column without NULLs (the caller says so) skips the per-row validity
 * check. Instances keep scratch space: one per aggregation, not shared between threads.
 */
abstract class KeyColumn {
    static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    static final byte NULL = 0;
    static final byte PRESENT = 1;

    static KeyColumn of(ColumnType type) {
        return switch (type) {
            case BOOLEAN -> new FixedWidth(1);
            case INTEGER -> new FixedWidth(4);
            case BIGINT, TIMESTAMP -> new FixedWidth(8);
            case DOUBLE -> new DoubleColumn();
            case VARCHAR -> new VarCharColumn();
        };
    }

    /**
     * Adds the encoded size of the value at row {@code from + i} to {@code lengths[i]}, for each {@code i} below
     * {@code count}; {@code nulls} false when the vector has no NULL (no validity check per row).
     */
    abstract void addLengths(FieldVector vector, int from, int count, boolean nulls, int[] lengths);

    /**
     * Writes the value at row {@code from + i} at {@code positions[i]} of {@code target}, advancing the position,
     * for each {@code i} below {@code count}; {@code nulls} as for {@link #addLengths}.
     */
    abstract void write(FieldVector vector, int from, int count, boolean nulls, byte[] target, int[] positions);

    /** The encoded size of the value at {@code row}. */
    abstract int length(FieldVector vector, int row);

    /** Writes the value at {@code row} at {@code offset} (room for {@link #length} bytes); returns the end. */
    abstract int writeOne(FieldVector vector, int row, byte[] target, int offset);

    /** Appends the encoding of {@code value}, a Java value as {@link VectorValues#get} returns it, or null. */
    abstract void writeObject(Object value, ByteArrayWriter out);

    /** Sets row {@code row} of {@code vector} from the value encoded at {@code offset}; returns its end. */
    abstract int read(byte[] source, int offset, FieldVector vector, int row);

    /** The end of the value encoded at {@code offset}. */
    abstract int skip(byte[] source, int offset);

    /** BOOLEAN, INTEGER, BIGINT and TIMESTAMP: the data buffer's bits, big-endian. */
    private static final class FixedWidth extends KeyColumn {
        private final int width;

        FixedWidth(int width) {
            this.width = width;
        }

        @Override
        void addLengths(FieldVector vector, int from, int count, boolean nulls, int[] lengths) {
            if (!nulls) {
                for (int i = 0; i < count; i++) {
                    lengths[i] += 1 + width;
                }
                return;
            }
            for (int i = 0; i < count; i++) {
                lengths[i] += vector.isNull(from + i) ? 1 : 1 + width;
            }
        }

        @Override
        void write(FieldVector vector, int from, int count, boolean nulls, byte[] target, int[] positions) {
            if (nulls || width == 1) {
                for (int i = 0; i < count; i++) {
                    positions[i] = writeOne(vector, from + i, target, positions[i]);
                }
                return;
            }
            ArrowBuf data = vector.getDataBuffer();
            if (width == 4) {
                for (int i = 0; i < count; i++) {
                    int at = positions[i];
                    target[at] = PRESENT;
                    INT.set(target, at + 1, data.getInt((long) (from + i) * 4));
                    positions[i] = at + 5;
                }
            } else {
                for (int i = 0; i < count; i++) {
                    int at = positions[i];
                    target[at] = PRESENT;
                    LONG.set(target, at + 1, data.getLong((long) (from + i) * 8));
                    positions[i] = at + 9;
                }
            }
        }

        @Override
        int length(FieldVector vector, int row) {
            return vector.isNull(row) ? 1 : 1 + width;
        }

        @Override
        int writeOne(FieldVector vector, int row, byte[] target, int offset) {
            if (vector.isNull(row)) {
                target[offset] = NULL;
                return offset + 1;
            }
            target[offset] = PRESENT;
            switch (width) {
                case 1 -> target[offset + 1] = (byte) ((BitVector) vector).get(row);
                case 4 -> INT.set(target, offset + 1, vector.getDataBuffer().getInt((long) row * 4));
                default -> LONG.set(target, offset + 1, vector.getDataBuffer().getLong((long) row * 8));
            }
            return offset + 1 + width;
        }

        @Override
        void writeObject(Object value, ByteArrayWriter out) {
            if (value == null) {
                out.writeByte(NULL);
                return;
            }
            out.writeByte(PRESENT);
            switch (width) {
                case 1 -> out.writeByte((Boolean) value ? 1 : 0);
                case 4 -> out.writeInt(((Number) value).intValue());
                default -> out.writeLong(value instanceof LocalDateTime time ? VectorValues.toEpochMillis(time)
                        : ((Number) value).longValue());
            }
        }

        @Override
        int read(byte[] source, int offset, FieldVector vector, int row) {
            if (source[offset] == NULL) {
                ((BaseFixedWidthVector) vector).setNull(row);
                return offset + 1;
            }
            switch (width) {
                case 1 -> ((BitVector) vector).setSafe(row, source[offset + 1]);
                case 4 -> ((IntVector) vector).setSafe(row, (int) INT.get(source, offset + 1));
                default -> {
                    long value = (long) LONG.get(source, offset + 1);
                    if (vector instanceof TimeStampMilliVector ts) {
                        ts.setSafe(row, value);
                    } else {
                        ((BigIntVector) vector).setSafe(row, value);
                    }
                }
            }
            return offset + 1 + width;
        }

        @Override
        int skip(byte[] source, int offset) {
            return source[offset] == NULL ? offset + 1 : offset + 1 + width;
        }
    }

    private static final class DoubleColumn extends KeyColumn {
        @Override
        void addLengths(FieldVector vector, int from, int count, boolean nulls, int[] lengths) {
            for (int i = 0; i < count; i++) {
                lengths[i] += nulls && vector.isNull(from + i) ? 1 : 9;
            }
        }

        @Override
        void write(FieldVector vector, int from, int count, boolean nulls, byte[] target, int[] positions) {
            for (int i = 0; i < count; i++) {
                positions[i] = writeOne(vector, from + i, target, positions[i]);
            }
        }

        @Override
        int length(FieldVector vector, int row) {
            return vector.isNull(row) ? 1 : 9;
        }

        @Override
        int writeOne(FieldVector vector, int row, byte[] target, int offset) {
            if (vector.isNull(row)) {
                target[offset] = NULL;
                return offset + 1;
            }
            target[offset] = PRESENT;
            double value = vector.getDataBuffer().getDouble((long) row * 8);
            // +0.0 for -0.0 (adding 0.0 does that), one NaN for all NaNs (doubleToLongBits does that)
            LONG.set(target, offset + 1, Double.doubleToLongBits(value + 0.0));
            return offset + 9;
        }

        @Override
        void writeObject(Object value, ByteArrayWriter out) {
            if (value == null) {
                out.writeByte(NULL);
            } else {
                out.writeByte(PRESENT).writeLong(Double.doubleToLongBits(((Number) value).doubleValue() + 0.0));
            }
        }

        @Override
        int read(byte[] source, int offset, FieldVector vector, int row) {
            if (source[offset] == NULL) {
                ((Float8Vector) vector).setNull(row);
                return offset + 1;
            }
            ((Float8Vector) vector).setSafe(row, Double.longBitsToDouble((long) LONG.get(source, offset + 1)));
            return offset + 9;
        }

        @Override
        int skip(byte[] source, int offset) {
            return source[offset] == NULL ? offset + 1 : offset + 9;
        }
    }

    private static final class VarCharColumn extends KeyColumn {
        /** The data bytes of the rows being written, copied out of the vector in one go; grown as needed. */
        private byte[] chars = new byte[0];

        @Override
        void addLengths(FieldVector vector, int from, int count, boolean nulls, int[] lengths) {
            ArrowBuf offsets = vector.getOffsetBuffer();
            int start = offsets.getInt((long) from * 4);
            for (int i = 0; i < count; i++) {
                int end = offsets.getInt((long) (from + i + 1) * 4);
                lengths[i] += nulls && vector.isNull(from + i) ? 1 : 5 + end - start;
                start = end;
            }
        }

        /** Copies the rows' bytes out of the data buffer at once, then each value from there (no copy per row). */
        @Override
        void write(FieldVector vector, int from, int count, boolean nulls, byte[] target, int[] positions) {
            ArrowBuf offsets = vector.getOffsetBuffer();
            int first = offsets.getInt((long) from * 4);
            int size = offsets.getInt((long) (from + count) * 4) - first;
            if (chars.length < size) {
                chars = new byte[Math.max(size, chars.length * 2)];
            }
            vector.getDataBuffer().getBytes(first, chars, 0, size);
            int start = 0;
            for (int i = 0; i < count; i++) {
                int end = offsets.getInt((long) (from + i + 1) * 4) - first;
                int at = positions[i];
                if (nulls && vector.isNull(from + i)) {
                    target[at] = NULL;
                    positions[i] = at + 1;
                } else {
                    int length = end - start;
                    target[at] = PRESENT;
                    INT.set(target, at + 1, length);
                    System.arraycopy(chars, start, target, at + 5, length);
                    positions[i] = at + 5 + length;
                }
                start = end;
            }
        }

        @Override
        int length(FieldVector vector, int row) {
            ArrowBuf offsets = vector.getOffsetBuffer();
            return vector.isNull(row) ? 1 : 5 + offsets.getInt((long) (row + 1) * 4) - offsets.getInt((long) row * 4);
        }

        @Override
        int writeOne(FieldVector vector, int row, byte[] target, int offset) {
            if (vector.isNull(row)) {
                target[offset] = NULL;
                return offset + 1;
            }
            ArrowBuf offsets = vector.getOffsetBuffer();
            int start = offsets.getInt((long) row * 4);
            int length = offsets.getInt((long) (row + 1) * 4) - start;
            target[offset] = PRESENT;
            INT.set(target, offset + 1, length);
            vector.getDataBuffer().getBytes(start, target, offset + 5, length);
            return offset + 5 + length;
        }

        @Override
        void writeObject(Object value, ByteArrayWriter out) {
            if (value == null) {
                out.writeByte(NULL);
            } else {
                byte[] utf8 = ((String) value).getBytes(StandardCharsets.UTF_8);
                out.writeByte(PRESENT).writeInt(utf8.length).writeBytes(utf8);
            }
        }

        @Override
        int read(byte[] source, int offset, FieldVector vector, int row) {
            if (source[offset] == NULL) {
                ((VarCharVector) vector).setNull(row);
                return offset + 1;
            }
            int length = (int) INT.get(source, offset + 1);
            ((VarCharVector) vector).setSafe(row, source, offset + 5, length);
            return offset + 5 + length;
        }

        @Override
        int skip(byte[] source, int offset) {
            return source[offset] == NULL ? offset + 1 : offset + 5 + (int) INT.get(source, offset + 1);
        }
    }
}
