package dev.sluice.execution.expr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sluice.execution.expr.Arithmetic.Operator;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.ColumnType;
import java.util.Arrays;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;

class ArithmeticExprTest extends ExprTestBase {
    @Test
    void computesIntegersWithTruncatingDivision() {
        try (VectorSchemaRoot input = intPairs(row(7, 2), row(-7, 2), row(null, 1), row(5, null))) {
            assertEquals(Arrays.asList(9, -5, null, null), evaluate(new Arithmetic(Operator.ADD, A, B), input));
            assertEquals(Arrays.asList(5, -9, null, null), evaluate(new Arithmetic(Operator.SUBTRACT, A, B), input));
            assertEquals(Arrays.asList(14, -14, null, null), evaluate(new Arithmetic(Operator.MULTIPLY, A, B), input));
            assertEquals(Arrays.asList(3, -3, null, null), evaluate(new Arithmetic(Operator.DIVIDE, A, B), input));
            assertEquals(Arrays.asList(1, -1, null, null), evaluate(new Arithmetic(Operator.MODULO, A, B), input));
            assertEquals(Arrays.asList(8, -6, null, 6), evaluate(new Arithmetic(Operator.ADD, A, Literal.of(1)), input));
        }
    }

    @Test
    void integerOverflowThrowsInsteadOfWrapping() {
        try (VectorSchemaRoot input = intPairs(row(1, 1), row(Integer.MAX_VALUE, 1))) {
            ExpressionException e = assertThrows(ExpressionException.class,
                    () -> evaluate(new Arithmetic(Operator.ADD, A, B), input));
            assertEquals("integer overflow in (a + b): 2147483647 + 1 does not fit in INTEGER", e.getMessage());
            assertThrows(ExpressionException.class, () -> evaluate(new Arithmetic(Operator.MULTIPLY, A, Literal.of(2)), input));
            assertThrows(ExpressionException.class, () -> evaluate(new Negate(
                    new Arithmetic(Operator.SUBTRACT, Literal.of(-2), A)), input));
        }
        try (VectorSchemaRoot input = intPairs(row(Integer.MIN_VALUE, -1))) {
            assertThrows(ExpressionException.class, () -> evaluate(new Arithmetic(Operator.DIVIDE, A, B), input));
        }
        ColumnRef l = ref(0, "l", ColumnType.BIGINT);
        try (VectorSchemaRoot input = batch(schema(Column.of("l", ColumnType.BIGINT)), row(Long.MAX_VALUE / 2 + 1))) {
            ExpressionException e = assertThrows(ExpressionException.class,
                    () -> evaluate(new Arithmetic(Operator.MULTIPLY, l, Literal.of(2)), input));
            assertEquals("integer overflow in (l * 2): 4611686018427387904 * 2 does not fit in BIGINT", e.getMessage());
        }
    }

    @Test
    void divisionByZeroThrowsButNotForNullRows() {
        try (VectorSchemaRoot input = intPairs(row(1, 0))) {
            ExpressionException e = assertThrows(ExpressionException.class,
                    () -> evaluate(new Arithmetic(Operator.DIVIDE, A, B), input));
            assertEquals("division by zero in (a / b)", e.getMessage());
            assertThrows(ExpressionException.class, () -> evaluate(new Arithmetic(Operator.MODULO, A, B), input));
        }
        // The NULL row's (garbage) divisor is zero, but its result is NULL anyway.
        try (VectorSchemaRoot input = intPairs(row(null, 0), row(4, 2))) {
            assertEquals(Arrays.asList(null, 2), evaluate(new Arithmetic(Operator.DIVIDE, A, B), input));
        }
    }

    @Test
    void doublesFollowIeeeAndMixedTypesWiden() {
        ColumnRef d = ref(0, "d", ColumnType.DOUBLE);
        try (VectorSchemaRoot input = batch(schema(Column.of("d", ColumnType.DOUBLE), Column.of("i", ColumnType.INTEGER)),
                row(1.0, 2), row(0.0, 3), row(-1.5, null))) {
            assertEquals(Arrays.asList(Double.POSITIVE_INFINITY, Double.NaN, Double.NEGATIVE_INFINITY),
                    evaluate(new Arithmetic(Operator.DIVIDE, d, Literal.of(0.0)), input));
            Arithmetic mixed = new Arithmetic(Operator.ADD, d, ref(1, "i", ColumnType.INTEGER));
            assertEquals(ColumnType.DOUBLE, mixed.type());
            assertEquals(Arrays.asList(3.0, 3.0, null), evaluate(mixed, input));
            assertEquals(Arrays.asList(1.0, 0.0, -1.5), evaluate(new Arithmetic(Operator.MODULO, d, Literal.of(2)), input));
        }
        Arithmetic widened = new Arithmetic(Operator.ADD, A, Literal.of(1L));
        assertEquals(ColumnType.BIGINT, widened.type());
        assertEquals("(CAST(a AS BIGINT) + 1)", widened.toString());
        assertEquals("MOD(a, 3)", new Arithmetic(Operator.MODULO, A, Literal.of(3)).toString());
        assertThrows(IllegalArgumentException.class, () -> new Arithmetic(Operator.ADD, A, Literal.of("x")));
    }

    @Test
    void negatesEachNumericType() {
        try (VectorSchemaRoot input = intPairs(row(5, 1), row(null, 1), row(-3, 1))) {
            assertEquals(Arrays.asList(-5, null, 3), evaluate(new Negate(A), input));
        }
        try (VectorSchemaRoot input = batch(schema(Column.of("d", ColumnType.DOUBLE)), row(2.5), row((Object) null))) {
            assertEquals(Arrays.asList(-2.5, null), evaluate(new Negate(ref(0, "d", ColumnType.DOUBLE)), input));
        }
        try (VectorSchemaRoot input = intPairs(row(Integer.MIN_VALUE, 1))) {
            ExpressionException e = assertThrows(ExpressionException.class, () -> evaluate(new Negate(A), input));
            assertEquals("integer overflow in (- a): -(-2147483648) does not fit in INTEGER", e.getMessage());
        }
    }
}
