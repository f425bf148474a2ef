package dev.sluice.execution.expr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sluice.execution.expr.MathFunction.Kind;
import dev.sluice.execution.testing.TestBatches;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.ColumnType;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;

class MathFunctionExprTest extends ExprTestBase {
    private static final ColumnRef I = ref(0, "i", ColumnType.INTEGER);
    private static final ColumnRef D = ref(0, "d", ColumnType.DOUBLE);

    private VectorSchemaRoot ints(Integer... values) {
        return TestBatches.column(allocator, Column.of("i", ColumnType.INTEGER), (Object[]) values);
    }

    private VectorSchemaRoot doubles(Double... values) {
        return TestBatches.column(allocator, Column.of("d", ColumnType.DOUBLE), (Object[]) values);
    }

    @Test
    void integerFunctionsKeepTheirType() {
        assertValues(MathFunction.of(Kind.ABS, I), ints(-3, 4, null), 3, 4, null);
        assertValues(MathFunction.of(Kind.SIGN, I), ints(-3, 0, 9), -1, 0, 1);
        assertValues(MathFunction.of(Kind.ROUND, I, Literal.of(-1)), ints(15, 14, -15, 7), 20, 10, -20, 10);
        assertValues(MathFunction.of(Kind.ROUND, I), ints(15), 15);
        assertValues(MathFunction.of(Kind.FLOOR, I), ints(15), 15);
        assertEquals(ColumnType.INTEGER, MathFunction.of(Kind.ABS, I).type());
        try (VectorSchemaRoot input = ints(Integer.MIN_VALUE)) {
            ExpressionException e = assertThrows(ExpressionException.class, () -> evaluate(MathFunction.of(Kind.ABS, I), input));
            assertEquals("integer overflow in ABS(i) for -2147483648: the result does not fit in INTEGER", e.getMessage());
        }
    }

    @Test
    void doubleFunctions() {
        assertValues(MathFunction.of(Kind.ROUND, D), doubles(2.5, -2.5, 2.4, null), 3.0, -3.0, 2.0, null);
        assertValues(MathFunction.of(Kind.ROUND, D, Literal.of(2)), doubles(1.005, 3.14159, -1.555), 1.01, 3.14, -1.56);
        assertValues(MathFunction.of(Kind.FLOOR, D), doubles(1.5, -1.5), 1.0, -2.0);
        assertValues(MathFunction.of(Kind.CEIL, D), doubles(1.5, -1.5), 2.0, -1.0);
        assertValues(MathFunction.of(Kind.SQRT, D), doubles(16.0, -1.0), 4.0, Double.NaN);
        assertValues(MathFunction.of(Kind.LN, D), doubles(1.0), 0.0);
        assertValues(MathFunction.of(Kind.LOG10, D), doubles(1000.0), 3.0);
        assertValues(MathFunction.of(Kind.EXP, D), doubles(0.0), 1.0);
        assertValues(MathFunction.of(Kind.ABS, D), doubles(-0.5), 0.5);
        assertValues(MathFunction.of(Kind.SIGN, D), doubles(-0.5), -1.0);
        assertValues(MathFunction.of(Kind.POWER, I, Literal.of(2)), ints(3, null), 9.0, null);
        assertEquals("POWER(CAST(i AS DOUBLE), 2.0)", MathFunction.of(Kind.POWER, I, Literal.of(2)).toString());
        assertThrows(IllegalArgumentException.class, () -> MathFunction.of(Kind.SQRT, Literal.of("x")));
        assertThrows(IllegalArgumentException.class, () -> MathFunction.of(Kind.POWER, D));
    }
}
