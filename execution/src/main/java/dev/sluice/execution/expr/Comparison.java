package dev.sluice.execution.expr;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.type.ColumnType;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * {@code left op right} for = &lt;&gt; &lt; &lt;= &gt; &gt;=, over any type (numbers compare by value after
 * widening, VARCHAR by code point, TIMESTAMP by instant, FALSE &lt; TRUE). NULL if either side is NULL.
 * DOUBLE follows IEEE: NaN is unordered (only &lt;&gt; is true) and -0.0 = 0.0.
 *
 * <p>Kernel: each row is classified LESS/EQUAL/GREATER/UNORDERED by a per-type loop, then the operator's
 * truth table (a 4-bit mask) turns classes into result bits, 64 rows per word.
 */
public final class Comparison implements CompositeExpr {
    /** A comparison operator; {@code mask} bit k is the result for class k (0 less, 1 equal, 2 greater, 3 unordered). */
    public enum Operator {
        EQUAL("=", 0b0010),
        NOT_EQUAL("<>", 0b1101),
        LESS_THAN("<", 0b0001),
        LESS_THAN_OR_EQUAL("<=", 0b0011),
        GREATER_THAN(">", 0b0100),
        GREATER_THAN_OR_EQUAL(">=", 0b0110);

        private final String symbol;
        private final int mask;

        Operator(String symbol, int mask) {
            this.symbol = symbol;
            this.mask = mask;
        }

        public String symbol() {
            return symbol;
        }
    }

    private static final byte LESS = 0;
    private static final byte EQUAL = 1;
    private static final byte GREATER = 2;
    private static final byte UNORDERED = 3;

    private final Operator operator;
    private final PhysicalExpr left;
    private final PhysicalExpr right;

    /** Converts the sides to their common type (e.g. INTEGER to DOUBLE), or fails naming them. */
    public Comparison(Operator operator, PhysicalExpr left, PhysicalExpr right) {
        this.operator = requireNonNull(operator, "operator is null");
        requireNonNull(left, "left is null");
        requireNonNull(right, "right is null");
        ColumnType common = TypeCoercion.commonType(left.type(), right.type(),
                "(" + left + " " + operator.symbol + " " + right + ")");
        this.left = Cast.of(left, common);
        this.right = Cast.of(right, common);
    }

    public Operator operator() {
        return operator;
    }

    public PhysicalExpr left() {
        return left;
    }

    public PhysicalExpr right() {
        return right;
    }

    @Override
    public List<PhysicalExpr> children() {
        return List.of(left, right);
    }

    @Override
    public ColumnType type() {
        return ColumnType.BOOLEAN;
    }

    @Override
    public FieldVector evaluate(VectorSchemaRoot batch, BufferAllocator allocator) {
        int rows = batch.getRowCount();
        try (Operand l = Operand.of(left, batch, allocator);
             Operand r = Operand.of(right, batch, allocator);
             VectorWriter out = VectorWriter.allocate(ColumnType.BOOLEAN, rows, allocator)) {
            byte[] classes = new byte[rows];
            switch (left.type()) {
                case INTEGER -> {
                    for (int i = 0; i < rows; i++) {
                        classes[i] = (byte) (Integer.compare(l.getInt(i), r.getInt(i)) + 1);
                    }
                }
                case BIGINT, TIMESTAMP -> {
                    for (int i = 0; i < rows; i++) {
                        classes[i] = (byte) (Long.compare(l.getLong(i), r.getLong(i)) + 1);
                    }
                }
                case DOUBLE -> {
                    for (int i = 0; i < rows; i++) {
                        classes[i] = classify(l.getDouble(i), r.getDouble(i));
                    }
                }
                case BOOLEAN -> {
                    for (int i = 0; i < rows; i++) {
                        classes[i] = (byte) (Boolean.compare(l.getBoolean(i), r.getBoolean(i)) + 1);
                    }
                }
                case VARCHAR -> compareVarchar(l, r, rows, classes);
                default -> throw new IllegalStateException("unexpected type " + left.type());
            }
            int mask = operator.mask;
            long data = out.dataAddress();
            long validity = out.validityAddress();
            for (int w = 0, words = Bits.words(rows); w < words; w++) {
                int base = w << 6;
                int end = Math.min(64, rows - base);
                long word = 0;
                for (int j = 0; j < end; j++) {
                    word |= (long) ((mask >>> classes[base + j]) & 1) << j;
                }
                Bits.writeWord(data, w, word);
                Bits.writeWord(validity, w, l.validityWord(w, rows) & r.validityWord(w, rows));
            }
            return out.finish();
        }
    }

    private static byte classify(double a, double b) {
        return a < b ? LESS : a > b ? GREATER : a == b ? EQUAL : UNORDERED;
    }

    private void compareVarchar(Operand l, Operand r, int rows, byte[] classes) {
        long a = l.bytesAddress();
        long b = r.bytesAddress();
        boolean equality = operator == Operator.EQUAL || operator == Operator.NOT_EQUAL;
        for (int i = 0; i < rows; i++) {
            int aStart = l.start(i);
            int bStart = r.start(i);
            int aLength = l.end(i) - aStart;
            int bLength = r.end(i) - bStart;
            if (equality) {
                classes[i] = Utf8.equals(a + aStart, aLength, b + bStart, bLength) ? EQUAL : LESS;
            } else {
                classes[i] = (byte) (Integer.signum(Utf8.compare(a + aStart, aLength, b + bStart, bLength)) + 1);
            }
        }
    }

    @Override
    public String toString() {
        return "(" + left + " " + operator.symbol + " " + right + ")";
    }
}
