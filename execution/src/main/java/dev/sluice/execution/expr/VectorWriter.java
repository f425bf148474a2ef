package dev.sluice.execution.expr;

import dev.sluice.execution.type.ColumnType;
import java.nio.charset.StandardCharsets;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.types.pojo.FieldType;

/**
 * Builds one result vector of a known row count: allocated with every row NULL, filled by unchecked
 * typed setters (fixed-width types) or by growing writes (VARCHAR), then handed to the caller by
 * {@link #finish()}. Bitmaps are allocated in whole 64-bit words so kernels may write words.
 *
 * <p>VARCHAR rows must be written in increasing row order (skipped rows stay NULL).
 *
 * <p>Ownership: until {@link #finish()} the writer owns the vector and {@link #close()} frees it (use it in
 * try-with-resources); after {@code finish()} the caller owns it and {@code close()} does nothing.
 */
final class VectorWriter implements AutoCloseable {
    /** Field name of expression results; operators rename them to their output schema. */
    static final String RESULT_NAME = "expr";
    private static final int DEFAULT_BYTES_PER_VALUE = 16;

    private final ColumnType type;
    private final int rows;
    private FieldVector vector;
    private final long validity;
    private final long data;
    private final VarCharVector varchar;

    private VectorWriter(ColumnType type, int rows, FieldVector vector) {
        this.type = type;
        this.rows = rows;
        this.vector = vector;
        this.validity = vector.getValidityBufferAddress();
        this.data = vector instanceof VarCharVector ? 0 : vector.getDataBufferAddress();
        this.varchar = vector instanceof VarCharVector v ? v : null;
    }

    /** A writer for {@code rows} rows, all NULL to start with. */
    static VectorWriter allocate(ColumnType type, int rows, BufferAllocator allocator) {
        return allocate(type, rows, (long) rows * DEFAULT_BYTES_PER_VALUE, allocator);
    }

    /** Like {@link #allocate(ColumnType, int, BufferAllocator)}, with a hint of the VARCHAR bytes needed. */
    static VectorWriter allocate(ColumnType type, int rows, long varcharBytes, BufferAllocator allocator) {
        FieldVector vector = FieldType.nullable(type.arrowType()).createNewSingleVector(RESULT_NAME, allocator, null);
        try {
            int capacity = Bits.words(Math.max(rows, 1)) << 6;
            if (vector instanceof VarCharVector v) {
                v.allocateNew(Math.max(varcharBytes, 64), capacity);
            } else {
                ((BaseFixedWidthVector) vector).allocateNew(capacity);
            }
            return new VectorWriter(type, rows, vector);
        } catch (RuntimeException | Error e) {
            vector.close();
            throw e;
        }
    }

    ColumnType type() {
        return type;
    }

    int rows() {
        return rows;
    }

    long validityAddress() {
        return validity;
    }

    /** Fixed-width data address (a bitmap for BOOLEAN). */
    long dataAddress() {
        return data;
    }

    void setValid(int row) {
        Bits.set(validity, row);
    }

    void setNull(int row) {
        Bits.clear(validity, row);
    }

    void setBoolean(int row, boolean value) {
        if (value) {
            Bits.set(data, row);
        } else {
            Bits.clear(data, row);
        }
        Bits.set(validity, row);
    }

    void setInt(int row, int value) {
        MemoryUtil.putInt(data + ((long) row << 2), value);
        Bits.set(validity, row);
    }

    /** BIGINT or TIMESTAMP. */
    void setLong(int row, long value) {
        MemoryUtil.putLong(data + ((long) row << 3), value);
        Bits.set(validity, row);
    }

    void setDouble(int row, double value) {
        MemoryUtil.putLong(data + ((long) row << 3), Double.doubleToRawLongBits(value));
        Bits.set(validity, row);
    }

    void setBytes(int row, byte[] bytes, int offset, int length) {
        varchar.setSafe(row, bytes, offset, length);
    }

    void setBytes(int row, byte[] bytes) {
        varchar.setSafe(row, bytes, 0, bytes.length);
    }

    void setString(int row, String value) {
        setBytes(row, value.getBytes(StandardCharsets.UTF_8));
    }

    /** Makes each row NULL exactly where the same row of {@code source} is (word by word). */
    void copyValidity(Operand source) {
        for (int w = 0, words = Bits.words(rows); w < words; w++) {
            Bits.writeWord(validity, w, source.validityWord(w, rows));
        }
    }

    /** Makes each row NULL where the same row of {@code a} or {@code b} is: most binary operators' NULL rule. */
    void copyValidity(Operand a, Operand b) {
        for (int w = 0, words = Bits.words(rows); w < words; w++) {
            Bits.writeWord(validity, w, a.validityWord(w, rows) & b.validityWord(w, rows));
        }
    }

    /** Copies row {@code sourceRow} of {@code source} (same type), NULL included, into {@code row}. */
    void copy(int row, Operand source, int sourceRow) {
        if (source.isNull(sourceRow)) {
            return;
        }
        switch (type) {
            case BOOLEAN -> setBoolean(row, source.getBoolean(sourceRow));
            case INTEGER -> setInt(row, source.getInt(sourceRow));
            case BIGINT, TIMESTAMP -> setLong(row, source.getLong(sourceRow));
            case DOUBLE -> setLong(row, source.getLong(sourceRow));
            case VARCHAR -> setBytes(row, source.getBytes(sourceRow));
            default -> throw new IllegalStateException("unexpected type " + type);
        }
    }

    /** Sets the row count and hands the vector over: the caller owns and closes it. */
    FieldVector finish() {
        FieldVector result = vector;
        result.setValueCount(rows);
        vector = null;
        return result;
    }

    @Override
    public void close() {
        if (vector != null) {
            vector.close();
            vector = null;
        }
    }
}
