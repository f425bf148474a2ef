package dev.sluice.execution.expr;

import dev.sluice.execution.type.ColumnType;
import java.nio.charset.StandardCharsets;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * The evaluated value of an expression's argument over one batch, read row by row through typed,
 * unchecked, allocation-free accessors: the kernels' view of their inputs.
 *
 * <p>Three sources, one code path: a column of the batch is read in place (borrowed, never closed here);
 * a {@link Literal} is broadcast without materialising a vector (it lives in a few bytes, and every
 * accessor masks the row index to 0); any other expression is evaluated into a vector this operand owns
 * and closes. Close the operand when the kernel is done.
 */
final class Operand implements AutoCloseable {
    /** Constant layout: validity byte at 0, offsets [0, length] at 8, value at 16. */
    private static final int CONSTANT_VALUE_OFFSET = 16;

    private final ColumnType type;
    private final AutoCloseable owned;
    private final boolean constant;
    private final boolean mayHaveNulls;
    private final long validity;
    private final long data;
    private final long offsets;
    /** -1 for a vector; 0 for a constant, so every row reads row 0. */
    private final int mask;

    private Operand(ColumnType type, AutoCloseable owned, boolean constant, boolean mayHaveNulls,
                    long validity, long data, long offsets) {
        this.type = type;
        this.owned = owned;
        this.constant = constant;
        this.mayHaveNulls = mayHaveNulls;
        this.validity = validity;
        this.data = data;
        this.offsets = offsets;
        this.mask = constant ? 0 : -1;
    }

    /** Evaluates {@code expr} over {@code batch} (borrowing columns, broadcasting literals). */
    static Operand of(PhysicalExpr expr, VectorSchemaRoot batch, BufferAllocator allocator) {
        if (expr instanceof Literal literal) {
            return constant(literal, allocator);
        }
        if (expr instanceof ColumnRef ref) {
            return ofVector(ref.column(batch), expr.type(), false);
        }
        return ofVector(expr.evaluate(batch, allocator), expr.type(), true);
    }

    /** Evaluates each expression; on failure closes the operands already built. */
    static Operand[] of(java.util.List<PhysicalExpr> exprs, VectorSchemaRoot batch, BufferAllocator allocator) {
        Operand[] operands = new Operand[exprs.size()];
        try {
            for (int i = 0; i < operands.length; i++) {
                operands[i] = of(exprs.get(i), batch, allocator);
            }
            return operands;
        } catch (RuntimeException | Error e) {
            closeAll(operands);
            throw e;
        }
    }

    /** Wraps a vector; if {@code owned}, closing the operand closes the vector. */
    static Operand ofVector(FieldVector vector, ColumnType type, boolean owned) {
        long offsets = vector instanceof BaseVariableWidthVector v ? v.getOffsetBufferAddress() : 0;
        boolean nulls = vector.getValueCount() > 0 && vector.getNullCount() > 0;
        return new Operand(type, owned ? vector : null, false, nulls, vector.getValidityBufferAddress(),
                vector.getDataBufferAddress(), offsets);
    }

    static Operand constant(Literal literal, BufferAllocator allocator) {
        byte[] text = literal.type() == ColumnType.VARCHAR && literal.value() != null
                ? ((String) literal.value()).getBytes(StandardCharsets.UTF_8) : new byte[0];
        ArrowBuf buffer = allocator.buffer(CONSTANT_VALUE_OFFSET + Math.max(8, text.length));
        long base = buffer.memoryAddress();
        MemoryUtil.setMemory(base, CONSTANT_VALUE_OFFSET + 8, (byte) 0);
        Object value = literal.value();
        if (value != null) {
            MemoryUtil.putByte(base, (byte) 0xFF);
            long at = base + CONSTANT_VALUE_OFFSET;
            switch (literal.type()) {
                case BOOLEAN -> MemoryUtil.putByte(at, (Boolean) value ? (byte) 0xFF : 0);
                case INTEGER -> MemoryUtil.putInt(at, (Integer) value);
                case BIGINT, TIMESTAMP -> MemoryUtil.putLong(at, (Long) value);
                case DOUBLE -> MemoryUtil.putLong(at, Double.doubleToRawLongBits((Double) value));
                case VARCHAR -> {
                    MemoryUtil.putInt(base + 12, text.length);
                    MemoryUtil.copyToMemory(text, 0, at, text.length);
                }
                default -> throw new IllegalStateException("unexpected type " + literal.type());
            }
        }
        return new Operand(literal.type(), buffer, true, value == null, base, base + CONSTANT_VALUE_OFFSET, base + 8);
    }

    ColumnType type() {
        return type;
    }

    /** Whether this is a broadcast constant (every row has the same value). */
    boolean isConstant() {
        return constant;
    }

    /** False when no row is NULL; true when some may be. */
    boolean mayHaveNulls() {
        return mayHaveNulls;
    }

    boolean isNull(int row) {
        return ((MemoryUtil.getByte(validity + ((row & mask) >>> 3)) >> (row & 7)) & 1) == 0;
    }

    /** Validity word {@code word} of a batch of {@code rows} rows (1 = not NULL); bits past the end are 0. */
    long validityWord(int word, int rows) {
        return constant ? (isNull(0) ? 0 : Bits.tailMask(rows - (word << 6))) : Bits.readWord(validity, word, rows);
    }

    /** BOOLEAN value word, like {@link #validityWord}; values of NULL rows are undefined. */
    long booleanWord(int word, int rows) {
        return constant ? (getBoolean(0) ? Bits.tailMask(rows - (word << 6)) : 0) : Bits.readWord(data, word, rows);
    }

    boolean getBoolean(int row) {
        return ((MemoryUtil.getByte(data + ((row & mask) >>> 3)) >> (row & 7)) & 1) != 0;
    }

    int getInt(int row) {
        return MemoryUtil.getInt(data + ((long) (row & mask) << 2));
    }

    /** BIGINT or TIMESTAMP value. */
    long getLong(int row) {
        return MemoryUtil.getLong(data + ((long) (row & mask) << 3));
    }

    double getDouble(int row) {
        return Double.longBitsToDouble(MemoryUtil.getLong(data + ((long) (row & mask) << 3)));
    }

    /** VARCHAR: offset of the row's first byte from {@link #bytesAddress()}. */
    int start(int row) {
        return MemoryUtil.getInt(offsets + ((long) (row & mask) << 2));
    }

    /** VARCHAR: offset just past the row's last byte. */
    int end(int row) {
        return MemoryUtil.getInt(offsets + ((long) (row & mask) << 2) + 4);
    }

    /** VARCHAR: address of the UTF-8 bytes; a row's bytes are at [start, end). */
    long bytesAddress() {
        return data;
    }

    byte[] getBytes(int row) {
        int start = start(row);
        byte[] bytes = new byte[end(row) - start];
        MemoryUtil.copyFromMemory(data + start, bytes, 0, bytes.length);
        return bytes;
    }

    String getString(int row) {
        return new String(getBytes(row), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        if (owned != null) {
            try {
                owned.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing an operand failed", e);
            }
        }
    }

    static void closeAll(Operand... operands) {
        for (Operand operand : operands) {
            if (operand != null) {
                operand.close();
            }
        }
    }
}
