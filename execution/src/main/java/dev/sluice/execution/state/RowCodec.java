package dev.sluice.execution.state;

import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.RowSchema;
import dev.sluice.execution.type.VectorValues;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
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
 * Rows of a schema as bytes, for operators that keep whole rows in their state (a stream join, a Top-N, an
 * OVER aggregation): per column a flag byte (0 NULL, 1 a value), then the value: 1 byte (BOOLEAN), 4 (INTEGER,
 * big-endian), 8 (BIGINT, TIMESTAMP as epoch milliseconds, DOUBLE as its raw IEEE bits) or a variable-length
 * int length and the UTF-8 bytes (VARCHAR).
 *
 * <p>Rows are encoded straight from Arrow vectors ({@link #write}) and decoded straight into them
 * ({@link #read}), a column at a time, so operators keep rows compact without a Java object per value; the
 * {@code List<Object>} methods give the same bytes, for tests and the edges of the engine.
 */
public final class RowCodec {
    /** The encoded size of a non-null INTEGER column. */
    public static final int INT_BYTES = 5;
    /** The encoded size of a non-null BIGINT or TIMESTAMP column. */
    public static final int LONG_BYTES = 9;

    private RowCodec() {
    }

    /** Appends the encoding of the value at {@code row} of {@code vector}, the bytes {@link #encode} writes for it. */
    public static void write(FieldVector vector, int row, ByteArrayWriter out) {
        if (vector.isNull(row)) {
            out.writeByte(0);
            return;
        }
        out.writeByte(1);
        if (vector instanceof BitVector v) {
            out.writeByte(v.get(row) != 0 ? 1 : 0);
        } else if (vector instanceof IntVector v) {
            out.writeInt(v.get(row));
        } else if (vector instanceof BigIntVector v) {
            out.writeLong(v.get(row));
        } else if (vector instanceof TimeStampMilliVector v) {
            out.writeLong(v.get(row));
        } else if (vector instanceof Float8Vector v) {
            out.writeLong(v.getDataBuffer().getLong((long) row * Float8Vector.TYPE_WIDTH));
        } else if (vector instanceof VarCharVector v) {
            ArrowBuf offsets = v.getOffsetBuffer();
            int start = offsets.getInt((long) row * VarCharVector.OFFSET_WIDTH);
            int length = offsets.getInt((long) (row + 1) * VarCharVector.OFFSET_WIDTH) - start;
            out.writeVarInt(length);
            int at = out.reserve(length);
            v.getDataBuffer().getBytes(start, out.buffer(), at, length);
        } else {
            throw new IllegalArgumentException("Unsupported vector " + vector.getClass().getSimpleName());
        }
    }

    /** Appends the encoding of row {@code row} of {@code vectors}, in order. */
    public static void write(List<FieldVector> vectors, int row, ByteArrayWriter out) {
        for (int c = 0; c < vectors.size(); c++) {
            write(vectors.get(c), row, out);
        }
    }

    /** Appends {@code count} NULLs. */
    public static void writeNulls(int count, ByteArrayWriter out) {
        for (int i = 0; i < count; i++) {
            out.writeByte(0);
        }
    }

    /** Whether the value encoded at {@code offset} is NULL. */
    public static boolean isNull(byte[] bytes, int offset) {
        return bytes[offset] == 0;
    }

    /** The BIGINT or TIMESTAMP (epoch milliseconds) encoded, not NULL, at {@code offset}. */
    public static long readLong(byte[] bytes, int offset) {
        return (long) ByteArrayWriter.LONG.get(bytes, offset + 1);
    }

    /** The INTEGER encoded, not NULL, at {@code offset}. */
    public static int readInt(byte[] bytes, int offset) {
        return (int) ByteArrayWriter.INT.get(bytes, offset + 1);
    }

    /** The end of the value of type {@code type} encoded at {@code offset}. */
    public static int skip(byte[] bytes, int offset, ColumnType type) {
        if (bytes[offset] == 0) {
            return offset + 1;
        }
        return switch (type) {
            case BOOLEAN -> offset + 2;
            case INTEGER -> offset + INT_BYTES;
            case BIGINT, TIMESTAMP, DOUBLE -> offset + LONG_BYTES;
            case VARCHAR -> varIntEnd(bytes, offset + 1) + varInt(bytes, offset + 1);
        };
    }

    /**
     * Where the bytes of the value of type {@code type} encoded, not NULL, at {@code offset} start: after its flag
     * (and, for a VARCHAR, its length: the UTF-8 bytes run from there to {@link #skip}'s end).
     */
    public static int valueStart(byte[] bytes, int offset, ColumnType type) {
        return type == ColumnType.VARCHAR ? varIntEnd(bytes, offset + 1) : offset + 1;
    }

    /** The end of {@code count} values of {@code types}, from {@code types[first]} on, encoded from {@code offset}. */
    public static int skip(byte[] bytes, int offset, ColumnType[] types, int first, int count) {
        for (int c = first; c < first + count; c++) {
            offset = skip(bytes, offset, types[c]);
        }
        return offset;
    }

    /**
     * Sets row {@code row} of {@code vector} (growing it as needed) to the value of type {@code type} encoded at
     * {@code offset}; returns the value's end.
     */
    public static int read(byte[] bytes, int offset, ColumnType type, FieldVector vector, int row) {
        if (bytes[offset] == 0) {
            if (vector instanceof BaseFixedWidthVector v) {
                v.setNull(row);
            } else {
                ((VarCharVector) vector).setNull(row);
            }
            return offset + 1;
        }
        switch (type) {
            case BOOLEAN -> {
                ((BitVector) vector).setSafe(row, bytes[offset + 1] != 0 ? 1 : 0);
                return offset + 2;
            }
            case INTEGER -> {
                ((IntVector) vector).setSafe(row, readInt(bytes, offset));
                return offset + INT_BYTES;
            }
            case BIGINT -> {
                ((BigIntVector) vector).setSafe(row, readLong(bytes, offset));
                return offset + LONG_BYTES;
            }
            case TIMESTAMP -> {
                ((TimeStampMilliVector) vector).setSafe(row, readLong(bytes, offset));
                return offset + LONG_BYTES;
            }
            case DOUBLE -> {
                ((Float8Vector) vector).setSafe(row, Double.longBitsToDouble(readLong(bytes, offset)));
                return offset + LONG_BYTES;
            }
            case VARCHAR -> {
                int length = varInt(bytes, offset + 1);
                int at = varIntEnd(bytes, offset + 1);
                ((VarCharVector) vector).setSafe(row, bytes, at, length);
                return at + length;
            }
            default -> throw new IllegalStateException("unknown type " + type);
        }
    }

    /**
     * The value of type {@code type} encoded at {@code offset} as a Java value ({@link VectorValues#get}'s), or
     * null.
     */
    public static Object value(byte[] bytes, int offset, ColumnType type) {
        if (bytes[offset] == 0) {
            return null;
        }
        return switch (type) {
            case BOOLEAN -> bytes[offset + 1] != 0;
            case INTEGER -> readInt(bytes, offset);
            case BIGINT -> readLong(bytes, offset);
            case TIMESTAMP -> VectorValues.toLocalDateTime(readLong(bytes, offset));
            case DOUBLE -> Double.longBitsToDouble(readLong(bytes, offset));
            case VARCHAR -> {
                int length = varInt(bytes, offset + 1);
                int at = varIntEnd(bytes, offset + 1);
                yield new String(bytes, at, length, StandardCharsets.UTF_8);
            }
        };
    }

    /** The variable-length int ({@link ByteArrayWriter#writeVarInt}) at {@code at}. */
    private static int varInt(byte[] bytes, int at) {
        int value = 0;
        for (int shift = 0; ; shift += 7) {
            byte b = bytes[at++];
            value |= (b & 0x7F) << shift;
            if (b >= 0) {
                return value;
            }
        }
    }

    /** The end of the variable-length int at {@code at}. */
    private static int varIntEnd(byte[] bytes, int at) {
        while (bytes[at] < 0) {
            at++;
        }
        return at + 1;
    }

    /** The column types of {@code schema}, in order. */
    public static ColumnType[] types(RowSchema schema) {
        ColumnType[] types = new ColumnType[schema.size()];
        for (int i = 0; i < types.length; i++) {
            types[i] = schema.column(i).type();
        }
        return types;
    }

    /** {@code row} (values as {@link VectorValues#get} gives them) as bytes: per column a null flag, then the value. */
    public static byte[] encode(List<Object> row, RowSchema schema) {
        ByteArrayWriter out = new ByteArrayWriter();
        for (int i = 0; i < schema.size(); i++) {
            Object v = row.get(i);
            out.writeByte(v == null ? 0 : 1);
            if (v == null) {
                continue;
            }
            switch (schema.column(i).type()) {
                case BOOLEAN -> out.writeByte((Boolean) v ? 1 : 0);
                case INTEGER -> out.writeInt((Integer) v);
                case BIGINT -> out.writeLong((Long) v);
                case DOUBLE -> out.writeDouble((Double) v);
                case TIMESTAMP -> out.writeLong(VectorValues.toEpochMillis((LocalDateTime) v));
                case VARCHAR -> {
                    byte[] bytes = ((String) v).getBytes(StandardCharsets.UTF_8);
                    out.writeVarInt(bytes.length);
                    out.writeBytes(bytes);
                }
            }
        }
        return out.toByteArray();
    }

    /** Several rows of {@code schema} as one value: their count, then each row's length and bytes. */
    public static byte[] encodeRows(List<List<Object>> rows, RowSchema schema) {
        ByteArrayWriter out = new ByteArrayWriter();
        out.writeVarInt(rows.size());
        for (List<Object> row : rows) {
            byte[] bytes = encode(row, schema);
            out.writeVarInt(bytes.length);
            out.writeBytes(bytes);
        }
        return out.toByteArray();
    }

    /** The rows {@link #encodeRows} wrote. */
    public static List<List<Object>> decodeRows(byte[] bytes, RowSchema schema) {
        ByteArrayReader in = new ByteArrayReader(bytes);
        int count = in.readVarInt();
        List<List<Object>> rows = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            rows.add(decode(in.readBytes(in.readVarInt()), schema));
        }
        return rows;
    }

    /** The row {@link #encode} wrote. */
    public static List<Object> decode(byte[] bytes, RowSchema schema) {
        ByteArrayReader in = new ByteArrayReader(bytes);
        List<Object> row = new ArrayList<>(schema.size());
        for (int i = 0; i < schema.size(); i++) {
            if (in.readByte() == 0) {
                row.add(null);
                continue;
            }
            ColumnType type = schema.column(i).type();
            row.add(switch (type) {
                case BOOLEAN -> in.readByte() != 0;
                case INTEGER -> in.readInt();
                case BIGINT -> in.readLong();
                case DOUBLE -> in.readDouble();
                case TIMESTAMP -> VectorValues.toLocalDateTime(in.readLong());
                case VARCHAR -> new String(in.readBytes(in.readVarInt()), StandardCharsets.UTF_8);
            });
        }
        return row;
    }
}
