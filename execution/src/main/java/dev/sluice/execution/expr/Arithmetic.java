package dev.sluice.execution.expr;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.type.ColumnType;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * {@code left op right} for + - * / and MOD over numbers. The operands convert to their common type
 * (INTEGER &lt; BIGINT &lt; DOUBLE), which is the result type. NULL if either side is NULL.
 *
 * <p>INTEGER and BIGINT: a result out of the type's range throws {@link ExpressionException}
 * ({@code "integer overflow in (a * b) ..."}), never wraps; division truncates toward zero; dividing by
 * zero throws. DOUBLE follows IEEE (x / 0 is infinite or NaN). Errors are raised only for non-NULL rows.
 */
public final class Arithmetic implements CompositeExpr {
    /** An arithmetic operator. */
    public enum Operator {
        ADD("+"), SUBTRACT("-"), MULTIPLY("*"), DIVIDE("/"), MODULO("MOD");

        private final String symbol;

        Operator(String symbol) {
            this.symbol = symbol;
        }

        public String symbol() {
            return symbol;
        }
    }

    private final Operator operator;
    private final PhysicalExpr left;
    private final PhysicalExpr right;
    private final ColumnType type;

    public Arithmetic(Operator operator, PhysicalExpr left, PhysicalExpr right) {
        this.operator = requireNonNull(operator, "operator is null");
        requireNonNull(left, "left is null");
        requireNonNull(right, "right is null");
        String context = text(operator, left, right);
        TypeCoercion.requireNumeric(left, context);
        TypeCoercion.requireNumeric(right, context);
        this.type = TypeCoercion.commonType(left.type(), right.type(), context);
        this.left = Cast.of(left, type);
        this.right = Cast.of(right, type);
    }

    public Operator operator() {
        return operator;
    }

    @Override
    public ColumnType type() {
        return type;
    }

    @Override
    public List<PhysicalExpr> children() {
        return List.of(left, right);
    }

    @Override
    public FieldVector evaluate(VectorSchemaRoot batch, BufferAllocator allocator) {
        int rows = batch.getRowCount();
        try (Operand l = Operand.of(left, batch, allocator);
             Operand r = Operand.of(right, batch, allocator);
             VectorWriter out = VectorWriter.allocate(type, rows, allocator)) {
            out.copyValidity(l, r);
            // Values are computed for NULL rows too (cheaper than testing); errors are only raised for rows
            // whose result is valid.
            switch (type) {
                case INTEGER -> evaluateInt(l, r, out, rows);
                case BIGINT -> evaluateLong(l, r, out, rows);
                case DOUBLE -> evaluateDouble(l, r, out, rows);
                default -> throw new IllegalStateException("unexpected type " + type);
            }
            return out.finish();
        }
    }

    private void evaluateInt(Operand l, Operand r, VectorWriter out, int rows) {
        long data = out.dataAddress();
        for (int i = 0; i < rows; i++) {
            long a = l.getInt(i);
            long b = r.getInt(i);
            long value;
            switch (operator) {
                case ADD -> value = a + b;
                case SUBTRACT -> value = a - b;
                case MULTIPLY -> value = a * b;
                case DIVIDE -> value = b == 0 ? divisionByZero(out, i) : a / b;
                default -> value = b == 0 ? divisionByZero(out, i) : a % b;
            }
            if (value != (int) value) {
                value = overflow(out, i, a, b);
            }
            MemoryUtil.putInt(data + ((long) i << 2), (int) value);
        }
    }

    private void evaluateLong(Operand l, Operand r, VectorWriter out, int rows) {
        long data = out.dataAddress();
        for (int i = 0; i < rows; i++) {
            long a = l.getLong(i);
            long b = r.getLong(i);
            long value;
            switch (operator) {
                case ADD -> {
                    value = a + b;
                    if (((a ^ value) & (b ^ value)) < 0) {
                        value = overflow(out, i, a, b);
                    }
                }
                case SUBTRACT -> {
                    value = a - b;
                    if (((a ^ b) & (a ^ value)) < 0) {
                        value = overflow(out, i, a, b);
                    }
                }
                case MULTIPLY -> {
                    value = a * b;
                    if (Math.multiplyHigh(a, b) != (value >> 63)) {
                        value = overflow(out, i, a, b);
                    }
                }
                case DIVIDE -> {
                    if (b == 0) {
                        value = divisionByZero(out, i);
                    } else if (a == Long.MIN_VALUE && b == -1) {
                        value = overflow(out, i, a, b);
                    } else {
                        value = a / b;
                    }
                }
                default -> value = b == 0 ? divisionByZero(out, i) : a % b;
            }
            MemoryUtil.putLong(data + ((long) i << 3), value);
        }
    }

    private void evaluateDouble(Operand l, Operand r, VectorWriter out, int rows) {
        long data = out.dataAddress();
        for (int i = 0; i < rows; i++) {
            double a = l.getDouble(i);
            double b = r.getDouble(i);
            double value = switch (operator) {
                case ADD -> a + b;
                case SUBTRACT -> a - b;
                case MULTIPLY -> a * b;
                case DIVIDE -> a / b;
                default -> a % b;
            };
            MemoryUtil.putLong(data + ((long) i << 3), Double.doubleToRawLongBits(value));
        }
    }

    /** Throws if row {@code i} is not NULL; a NULL row's value does not matter. */
    private long divisionByZero(VectorWriter out, int i) {
        if (Bits.get(out.validityAddress(), i)) {
            throw new ExpressionException("division by zero in " + this);
        }
        return 0;
    }

    private long overflow(VectorWriter out, int i, long a, long b) {
        if (Bits.get(out.validityAddress(), i)) {
            String operation = operator == Operator.MODULO ? "MOD(" + a + ", " + b + ")" : a + " " + operator.symbol + " " + b;
            throw new ExpressionException("integer overflow in " + this + ": " + operation + " does not fit in " + type);
        }
        return 0;
    }

    private static String text(Operator operator, PhysicalExpr left, PhysicalExpr right) {
        return operator == Operator.MODULO
                ? "MOD(" + left + ", " + right + ")"
                : "(" + left + " " + operator.symbol + " " + right + ")";
    }

    @Override
    public String toString() {
        return text(operator, left, right);
    }
}
