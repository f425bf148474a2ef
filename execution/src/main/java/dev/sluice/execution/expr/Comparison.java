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
 * <p>Kernel: every operator is one of three primitive tests ({@code =}, {@code <}, {@code <=}), with the
 * sides swapped for {@code >} and {@code >=} and the result bits inverted for {@code <>}; one tight,
 * branch-free loop per type computes the test 64 rows per word.
 */
public final class Comparison implements CompositeExpr {
    /** A comparison operator, as a primitive test on possibly swapped sides, possibly negated. */
    public enum Operator {
        EQUAL("=", TEST_EQUAL, false, false),
        NOT_EQUAL("<>", TEST_EQUAL, false, true),
        LESS_THAN("<", TEST_LESS, false, false),
        LESS_THAN_OR_EQUAL("<=", TEST_LESS_OR_EQUAL, false, false),
        GREATER_THAN(">", TEST_LESS, true, false),
        GREATER_THAN_OR_EQUAL(">=", TEST_LESS_OR_EQUAL, true, false);

        private final String symbol;
        private final int test;
        private final boolean swap;
        private final boolean negate;

        Operator(String symbol, int test, boolean swap, boolean negate) {
            this.symbol = symbol;
            this.test = test;
            this.swap = swap;
            this.negate = negate;
        }

        public String symbol() {
            return symbol;
        }
    }

    private static final int TEST_EQUAL = 0;
    private static final int TEST_LESS = 1;
    private static final int TEST_LESS_OR_EQUAL = 2;

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
            Operand a = operator.swap ? r : l;
            Operand b = operator.swap ? l : r;
            out.copyValidity(l, r);
            long data = out.dataAddress();
            int test = operator.test;
            for (int w = 0, words = Bits.words(rows); w < words; w++) {
                int base = w << 6;
                int end = Math.min(64, rows - base);
                long word = switch (left.type()) {
                    case INTEGER -> compareInts(a, b, test, base, end);
                    case BIGINT, TIMESTAMP -> compareLongs(a, b, test, base, end);
                    case DOUBLE -> compareDoubles(a, b, test, base, end);
                    case BOOLEAN -> compareBooleans(a, b, test, base, end);
                    case VARCHAR -> compareVarchars(a, b, test, base, end);
                    default -> throw new IllegalStateException("unexpected type " + left.type());
                };
                Bits.writeWord(data, w, operator.negate ? ~word & Bits.tailMask(end) : word);
            }
            return out.finish();
        }
    }

    // One loop per type, deliberately: a shared loop calling a per-type comparator would not inline, and
    // the ternaries below compile to branch-free code (about 1 ns a row).

    private static long compareInts(Operand a, Operand b, int test, int base, int end) {
        long word = 0;
        for (int j = 0; j < end; j++) {
            int x = a.getInt(base + j);
            int y = b.getInt(base + j);
            boolean bit = test == TEST_EQUAL ? x == y : test == TEST_LESS ? x < y : x <= y;
            word |= (bit ? 1L : 0L) << j;
        }
        return word;
    }

    private static long compareLongs(Operand a, Operand b, int test, int base, int end) {
        long word = 0;
        for (int j = 0; j < end; j++) {
            long x = a.getLong(base + j);
            long y = b.getLong(base + j);
            boolean bit = test == TEST_EQUAL ? x == y : test == TEST_LESS ? x < y : x <= y;
            word |= (bit ? 1L : 0L) << j;
        }
        return word;
    }

    private static long compareDoubles(Operand a, Operand b, int test, int base, int end) {
        long word = 0;
        for (int j = 0; j < end; j++) {
            double x = a.getDouble(base + j);
            double y = b.getDouble(base + j);
            boolean bit = test == TEST_EQUAL ? x == y : test == TEST_LESS ? x < y : x <= y;
            word |= (bit ? 1L : 0L) << j;
        }
        return word;
    }

    private static long compareBooleans(Operand a, Operand b, int test, int base, int end) {
        long word = 0;
        for (int j = 0; j < end; j++) {
            int c = Boolean.compare(a.getBoolean(base + j), b.getBoolean(base + j));
            boolean bit = test == TEST_EQUAL ? c == 0 : test == TEST_LESS ? c < 0 : c <= 0;
            word |= (bit ? 1L : 0L) << j;
        }
        return word;
    }

    private static long compareVarchars(Operand a, Operand b, int test, int base, int end) {
        long aBytes = a.bytesAddress();
        long bBytes = b.bytesAddress();
        long word = 0;
        for (int j = 0; j < end; j++) {
            int i = base + j;
            int aStart = a.start(i);
            int bStart = b.start(i);
            int aLength = a.end(i) - aStart;
            int bLength = b.end(i) - bStart;
            boolean bit;
            if (test == TEST_EQUAL) {
                bit = Utf8.equals(aBytes + aStart, aLength, bBytes + bStart, bLength);
            } else {
                int c = Utf8.compare(aBytes + aStart, aLength, bBytes + bStart, bLength);
                bit = test == TEST_LESS ? c < 0 : c <= 0;
            }
            word |= (bit ? 1L : 0L) << j;
        }
        return word;
    }

    @Override
    public String toString() {
        return "(" + left + " " + operator.symbol + " " + right + ")";
    }
}
