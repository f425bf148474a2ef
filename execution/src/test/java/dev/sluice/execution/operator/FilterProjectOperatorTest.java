package dev.sluice.execution.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sluice.execution.expr.Arithmetic;
import dev.sluice.execution.expr.ColumnRef;
import dev.sluice.execution.expr.Comparison;
import dev.sluice.execution.expr.ExpressionException;
import dev.sluice.execution.expr.LetterCase;
import dev.sluice.execution.expr.Literal;
import dev.sluice.execution.expr.PhysicalExpr;
import dev.sluice.execution.testing.ArrowTestBase;
import dev.sluice.execution.testing.TestBatches;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.RowSchema;
import dev.sluice.execution.type.VectorValues;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;

class FilterProjectOperatorTest extends ArrowTestBase {
    private static final RowSchema INPUT = RowSchema.of(Column.of("user_id", ColumnType.BIGINT),
            Column.of("amount", ColumnType.DOUBLE), Column.of("country", ColumnType.VARCHAR), Column.of("qty", ColumnType.INTEGER));
    private static final ColumnRef USER_ID = new ColumnRef(0, "user_id", ColumnType.BIGINT);
    private static final ColumnRef AMOUNT = new ColumnRef(1, "amount", ColumnType.DOUBLE);
    private static final ColumnRef COUNTRY = new ColumnRef(2, "country", ColumnType.VARCHAR);
    private static final ColumnRef QTY = new ColumnRef(3, "qty", ColumnType.INTEGER);
    private static final PhysicalExpr AMOUNT_OVER_50 = new Comparison(Comparison.Operator.GREATER_THAN, AMOUNT, Literal.of(50));
    private static final RowSchema USER_AMOUNT = RowSchema.of(Column.of("user_id", ColumnType.BIGINT), Column.of("amount", ColumnType.DOUBLE));

    private VectorSchemaRoot orders() {
        return TestBatches.of(allocator, INPUT,
                new Object[] {1L, 10.0, "fr", 1},
                new Object[] {2L, 75.5, "de", 2},
                new Object[] {3L, null, "fr", 3},
                new Object[] {4L, 50.0, null, 4},
                new Object[] {5L, 99.0, "us", null});
    }

    private List<List<Object>> run(FilterProjectOperator.Factory factory, VectorSchemaRoot input) {
        try (BatchOperator operator = factory.create(allocator); input) {
            VectorSchemaRoot output = operator.process(input);
            if (output == null) {
                return null;
            }
            try (output) {
                assertEquals(factory.outputSchema(), RowSchema.fromArrow(output.getSchema()));
                return VectorValues.rows(output);
            }
        }
    }

    @Test
    void keepsMatchingRowsInOrderAndProjects() {
        var factory = new FilterProjectOperator.Factory(Optional.of(AMOUNT_OVER_50), List.of(USER_ID, AMOUNT), USER_AMOUNT);
        assertEquals(List.of(List.of(2L, 75.5), List.of(5L, 99.0)), run(factory, orders()));
    }

    @Test
    void computesProjectionsOverTheKeptRowsOnly() {
        // qty / (qty - 1) would divide by zero on row 1, which the filter drops.
        PhysicalExpr ratio = new Arithmetic(Arithmetic.Operator.DIVIDE, QTY, new Arithmetic(Arithmetic.Operator.SUBTRACT, QTY, Literal.of(1)));
        var factory = new FilterProjectOperator.Factory(
                Optional.of(new Comparison(Comparison.Operator.GREATER_THAN, QTY, Literal.of(1))),
                List.of(new LetterCase(LetterCase.Mode.UPPER, COUNTRY), ratio, Literal.of("x")),
                RowSchema.of(Column.of("c", ColumnType.VARCHAR), Column.of("r", ColumnType.INTEGER), Column.of("k", ColumnType.VARCHAR)));
        assertEquals(List.of(Arrays.asList("DE", 2, "x"), Arrays.asList("FR", 1, "x"), Arrays.asList(null, 1, "x")), run(factory, orders()));
    }

    @Test
    void withoutFilterOrWhenAllPassEveryRowIsKept() {
        var noFilter = new FilterProjectOperator.Factory(Optional.empty(), List.of(COUNTRY),
                RowSchema.of(Column.of("country", ColumnType.VARCHAR)));
        assertEquals(List.of(List.of("fr"), List.of("de"), List.of("fr"), Arrays.asList((Object) null), List.of("us")), run(noFilter, orders()));
        var allPass = new FilterProjectOperator.Factory(
                Optional.of(new Comparison(Comparison.Operator.GREATER_THAN, USER_ID, Literal.of(0))), List.of(USER_ID),
                RowSchema.of(Column.of("id", ColumnType.BIGINT)));
        assertEquals(List.of(List.of(1L), List.of(2L), List.of(3L), List.of(4L), List.of(5L)), run(allPass, orders()));
    }

    @Test
    void returnsNullWhenNoRowPassesOrTheInputIsEmpty() {
        var none = new FilterProjectOperator.Factory(
                Optional.of(new Comparison(Comparison.Operator.GREATER_THAN, AMOUNT, Literal.of(1000))), List.of(USER_ID, AMOUNT), USER_AMOUNT);
        assertNull(run(none, orders()));
        // NULL conditions drop rows too: amount is NULL on row 3 only.
        var nullOnly = new FilterProjectOperator.Factory(
                Optional.of(new Comparison(Comparison.Operator.EQUAL, AMOUNT, Literal.nullOf(ColumnType.DOUBLE))), List.of(USER_ID, AMOUNT), USER_AMOUNT);
        assertNull(run(nullOnly, orders()));
        var any = new FilterProjectOperator.Factory(Optional.empty(), List.of(USER_ID), RowSchema.of(Column.of("id", ColumnType.BIGINT)));
        assertNull(run(any, TestBatches.of(allocator, INPUT)));
    }

    @Test
    void outputOutlivesTheInput() {
        var factory = new FilterProjectOperator.Factory(Optional.empty(), List.of(COUNTRY, AMOUNT),
                RowSchema.of(Column.of("country", ColumnType.VARCHAR), Column.of("amount", ColumnType.DOUBLE)));
        try (BatchOperator operator = factory.create(allocator)) {
            VectorSchemaRoot input = orders();
            VectorSchemaRoot output = operator.process(input);
            input.close();
            try (output) {
                assertEquals(Arrays.asList("de", 75.5), VectorValues.rows(output).get(1));
            }
        }
    }

    @Test
    void processesLargeBatchesExactly() {
        List<List<Object>> rows = new ArrayList<>();
        List<List<Object>> expected = new ArrayList<>();
        for (int i = 0; i < 100_003; i++) {
            Double amount = i % 11 == 0 ? null : (i * 37 % 101) * 1.0;
            rows.add(Arrays.asList((long) i, amount, "c" + (i % 7), i));
            if (amount != null && amount > 50) {
                expected.add(Arrays.asList((long) i, amount));
            }
        }
        var factory = new FilterProjectOperator.Factory(Optional.of(AMOUNT_OVER_50), List.of(USER_ID, AMOUNT), USER_AMOUNT);
        assertEquals(expected, run(factory, TestBatches.of(allocator, INPUT, rows)));
    }

    @Test
    void errorsPropagateWithoutLeaking() {
        var factory = new FilterProjectOperator.Factory(Optional.empty(),
                List.of(new Arithmetic(Arithmetic.Operator.DIVIDE, QTY, new Arithmetic(Arithmetic.Operator.SUBTRACT, QTY, Literal.of(1)))),
                RowSchema.of(Column.of("r", ColumnType.INTEGER)));
        ExpressionException e = assertThrows(ExpressionException.class, () -> run(factory, orders()));
        assertEquals("division by zero in (qty / (qty - 1))", e.getMessage());
    }

    @Test
    void factoryValidatesTypes() {
        IllegalArgumentException notBoolean = assertThrows(IllegalArgumentException.class,
                () -> new FilterProjectOperator.Factory(Optional.of(AMOUNT), List.of(USER_ID), RowSchema.of(Column.of("id", ColumnType.BIGINT))));
        assertEquals("The filter amount is DOUBLE, not BOOLEAN", notBoolean.getMessage());
        IllegalArgumentException wrongType = assertThrows(IllegalArgumentException.class,
                () -> new FilterProjectOperator.Factory(Optional.empty(), List.of(USER_ID), RowSchema.of(Column.of("id", ColumnType.INTEGER))));
        assertEquals("Projection user_id is BIGINT but output column 'id' is INTEGER", wrongType.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new FilterProjectOperator.Factory(Optional.empty(), List.of(USER_ID, AMOUNT), RowSchema.of(Column.of("id", ColumnType.BIGINT))));
    }
}
