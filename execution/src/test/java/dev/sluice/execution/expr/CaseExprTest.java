package dev.sluice.execution.expr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sluice.execution.expr.Case.When;
import dev.sluice.execution.expr.Comparison.Operator;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.ColumnType;
import java.util.List;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;

/** Case and Coalesce. */
class CaseExprTest extends ExprTestBase {
    @Test
    void takesTheFirstTrueBranch() {
        Case size = new Case(List.of(
                new When(new Comparison(Operator.GREATER_THAN, A, Literal.of(10)), Literal.of("big")),
                new When(new Comparison(Operator.GREATER_THAN, A, Literal.of(5)), Literal.of("mid"))),
                Literal.of("small"));
        assertValues(size, intPairs(row(20, 0), row(7, 0), row(1, 0), row(null, 0), row(11, 0)), "big", "mid", "small", "small", "big");
        assertEquals("CASE WHEN (a > 10) THEN 'big' WHEN (a > 5) THEN 'mid' ELSE 'small' END", size.toString());
    }

    @Test
    void withoutElseGivesNullAndResultsMayBeExpressions() {
        Case noElse = new Case(List.of(new When(new Comparison(Operator.LESS_THAN, A, B),
                new Arithmetic(Arithmetic.Operator.SUBTRACT, B, A))), Literal.nullOf(ColumnType.INTEGER));
        assertValues(noElse, intPairs(row(1, 5), row(5, 1), row(2, 4), row(null, 1), row(0, 100)), 4, null, 2, null, 100);
    }

    @Test
    void evaluatesEachBranchOnlyForItsRows() {
        // CASE WHEN b = 0 THEN 0 ELSE a / b END: never divides by zero.
        Case safe = new Case(List.of(new When(new Comparison(Operator.EQUAL, B, Literal.of(0)), Literal.of(0))),
                new Arithmetic(Arithmetic.Operator.DIVIDE, A, B));
        assertValues(safe, intPairs(row(10, 0), row(10, 3), row(7, 0), row(9, -3), row(null, null)), 0, 3, 0, -3, null);
        // Conditions too: the second is only evaluated where the first was not TRUE.
        Case conditions = new Case(List.of(
                new When(new Comparison(Operator.EQUAL, B, Literal.of(0)), Literal.of(-1)),
                new When(new Comparison(Operator.GREATER_THAN, new Arithmetic(Arithmetic.Operator.DIVIDE, A, B), Literal.of(2)), Literal.of(1))),
                Literal.of(0));
        assertValues(conditions, intPairs(row(10, 0), row(10, 3), row(2, 1), row(5, 0)), -1, 1, 0, -1);
    }

    @Test
    void branchesConvertToTheirCommonType() {
        Case mixed = new Case(List.of(new When(new Comparison(Operator.GREATER_THAN, A, Literal.of(0)), A)), Literal.of(0.5));
        assertEquals(ColumnType.DOUBLE, mixed.type());
        assertValues(mixed, intPairs(row(3, 0), row(-3, 0)), 3.0, 0.5);
        assertThrows(IllegalArgumentException.class, () -> new Case(List.of(new When(A, Literal.of(1))), Literal.of(2)));
    }

    @Test
    void coalesceTakesTheFirstNonNull() {
        assertValues(Coalesce.of(A, B, Literal.of(0)), intPairs(row(1, 2), row(null, 2), row(null, null)), 1, 2, 0);
        VectorSchemaRoot strings = batch(schema(Column.of("s", ColumnType.VARCHAR), Column.of("t", ColumnType.VARCHAR)),
                row("x", "y"), row(null, "y"), row(null, null), row("z", null));
        assertValues(Coalesce.of(ref(0, "s", ColumnType.VARCHAR), ref(1, "t", ColumnType.VARCHAR)), strings, "x", "y", null, "z");
        assertEquals("COALESCE(a, b, 0)", Coalesce.of(A, B, Literal.of(0)).toString());
    }

    @Test
    void coalesceEvaluatesFallbacksOnlyWhereNeeded() {
        // COALESCE(a, 100 / b): b is 0 only where a is set.
        Coalesce lazy = Coalesce.of(A, new Arithmetic(Arithmetic.Operator.DIVIDE, Literal.of(100), B));
        assertValues(lazy, intPairs(row(1, 0), row(null, 50), row(3, 0), row(null, null)), 1, 2, 3, null);
    }
}
