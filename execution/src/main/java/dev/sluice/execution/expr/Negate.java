package dev.sluice.execution.expr;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.type.ColumnType;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/** Unary minus over a number, of the operand's type; {@code -(-2147483648)} as INTEGER overflows and throws. */
public final class Negate implements CompositeExpr {
    private final PhysicalExpr operand;

    public Negate(PhysicalExpr operand) {
        this.operand = requireNonNull(operand, "operand is null");
        TypeCoercion.requireNumeric(operand, "unary minus");
    }

    @Override
    public ColumnType type() {
        return operand.type();
    }

    @Override
    public List<PhysicalExpr> children() {
        return List.of(operand);
    }

    @Override
    public FieldVector evaluate(VectorSchemaRoot batch, BufferAllocator allocator) {
        int rows = batch.getRowCount();
        try (Operand in = Operand.of(operand, batch, allocator);
             VectorWriter out = VectorWriter.allocate(type(), rows, allocator)) {
            out.copyValidity(in);
            long validity = out.validityAddress();
            long data = out.dataAddress();
            switch (type()) {
                case INTEGER -> {
                    for (int i = 0; i < rows; i++) {
                        int value = in.getInt(i);
                        if (value == Integer.MIN_VALUE && Bits.get(validity, i)) {
                            throw overflow(value);
                        }
                        MemoryUtil.putInt(data + ((long) i << 2), -value);
                    }
                }
                case BIGINT -> {
                    for (int i = 0; i < rows; i++) {
                        long value = in.getLong(i);
                        if (value == Long.MIN_VALUE && Bits.get(validity, i)) {
                            throw overflow(value);
                        }
                        MemoryUtil.putLong(data + ((long) i << 3), -value);
                    }
                }
                default -> {
                    for (int i = 0; i < rows; i++) {
                        MemoryUtil.putLong(data + ((long) i << 3), Double.doubleToRawLongBits(-in.getDouble(i)));
                    }
                }
            }
            return out.finish();
        }
    }

    private ExpressionException overflow(long value) {
        return new ExpressionException("integer overflow in " + this + ": -(" + value + ") does not fit in " + type());
    }

    @Override
    public String toString() {
        return "(- " + operand + ")";
    }
}
