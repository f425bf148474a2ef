package dev.sluice.execution.expr;

import static dev.sluice.execution.testing.TestBatches.ts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sluice.execution.expr.Comparison.Operator;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.ColumnType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;

class ComparisonExprTest extends ExprTestBase {
    private static boolean expected(Operator op, int c) {
        return switch (op) {
            case EQUAL -> c == 0;
            case NOT_EQUAL -> c != 0;
            case LESS_THAN -> c < 0;
            case LESS_THAN_OR_EQUAL -> c <= 0;
            case GREATER_THAN -> c > 0;
            case GREATER_THAN_OR_EQUAL -> c >= 0;
        };
    }

    /** 1000 random rows (not a multiple of 64) with NULLs: column vs column and column vs constant, every operator. */
    @Test
    void matchesJavaOnRandomIntegersWithNulls() {
        Random random = new Random(42);
        List<List<Object>> rows = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            rows.add(Arrays.asList(random.nextInt(10) == 0 ? null : random.nextInt(20) - 10,
                    random.nextInt(10) == 0 ? null : random.nextInt(20) - 10));
        }
        try (VectorSchemaRoot input = intPairs(rows.stream().map(List::toArray).toArray(Object[][]::new))) {
            for (Operator op : Operator.values()) {
                List<Object> columns = evaluate(new Comparison(op, A, B), input);
                List<Object> constant = evaluate(new Comparison(op, A, Literal.of(3)), input);
                for (int i = 0; i < rows.size(); i++) {
                    Integer x = (Integer) rows.get(i).get(0);
                    Integer y = (Integer) rows.get(i).get(1);
                    assertEquals(x == null || y == null ? null : expected(op, Integer.compare(x, y)), columns.get(i),
                            op + " row " + i);
                    assertEquals(x == null ? null : expected(op, Integer.compare(x, 3)), constant.get(i), op + " row " + i);
                }
            }
        }
    }

    @Test
    void comparesDoublesTheIeeeWay() {
        ColumnRef x = ref(0, "x", ColumnType.DOUBLE);
        VectorSchemaRoot input = batch(schema(Column.of("x", ColumnType.DOUBLE)),
                row(1.5), row(Double.NaN), row(-0.0), row((Object) null), row(Double.POSITIVE_INFINITY));
        try (input) {
            assertEquals(Arrays.asList(false, false, true, null, false), evaluate(new Comparison(Operator.EQUAL, x, Literal.of(0.0)), input));
            assertEquals(Arrays.asList(true, true, false, null, true), evaluate(new Comparison(Operator.NOT_EQUAL, x, Literal.of(0.0)), input));
            assertEquals(Arrays.asList(true, false, true, null, true), evaluate(new Comparison(Operator.GREATER_THAN_OR_EQUAL, x, Literal.of(0.0)), input));
            assertEquals(Arrays.asList(false, false, true, null, false), evaluate(new Comparison(Operator.LESS_THAN, x, Literal.of(1.0)), input));
        }
    }

    @Test
    void comparesVarcharsByCodePoint() {
        ColumnRef s = ref(0, "s", ColumnType.VARCHAR);
        VectorSchemaRoot input = batch(schema(Column.of("s", ColumnType.VARCHAR)),
                row("abc"), row("abd"), row("ab"), row("é"), row(""), row((Object) null), row("a much longer text, longer than 8"));
        try (input) {
            assertEquals(Arrays.asList(false, true, false, true, false, null, false),
                    evaluate(new Comparison(Operator.GREATER_THAN, s, Literal.of("abc")), input));
            assertEquals(Arrays.asList(true, false, false, false, false, null, false),
                    evaluate(new Comparison(Operator.EQUAL, s, Literal.of("abc")), input));
            assertEquals(Arrays.asList(false, false, false, false, false, null, true),
                    evaluate(new Comparison(Operator.EQUAL, s, Literal.of("a much longer text, longer than 8")), input));
            // 'b' sorts after ' ', and the long texts differ in their last byte only.
            assertEquals(Arrays.asList(false, false, false, false, true, null, true),
                    evaluate(new Comparison(Operator.LESS_THAN, s, Literal.of("a much longer text, longer than 9")), input));
            assertEquals(Arrays.asList(false, false, true, false, true, null, true),
                    evaluate(new Comparison(Operator.LESS_THAN, s, Literal.of("abc")), input));
        }
    }

    @Test
    void comparesTimestampsBooleansAndColumnsOfEachSide() {
        VectorSchemaRoot input = batch(schema(Column.of("t", ColumnType.TIMESTAMP), Column.of("b", ColumnType.BOOLEAN)),
                row(ts("2024-01-01 00:00:00"), true), row(ts("2023-12-31 23:59:59.999"), false), row(null, null));
        try (input) {
            assertEquals(Arrays.asList(true, false, null), evaluate(new Comparison(Operator.GREATER_THAN_OR_EQUAL,
                    ref(0, "t", ColumnType.TIMESTAMP), new Literal(ts("2024-01-01 00:00:00"), ColumnType.TIMESTAMP)), input));
            assertEquals(Arrays.asList(false, true, null), evaluate(new Comparison(Operator.LESS_THAN,
                    ref(1, "b", ColumnType.BOOLEAN), Literal.of(true)), input));
            // A literal on the left, and a VARCHAR literal read as a timestamp.
            assertEquals(Arrays.asList(false, true, null), evaluate(new Comparison(Operator.GREATER_THAN,
                    Literal.of("2024-01-01 00:00:00"), ref(0, "t", ColumnType.TIMESTAMP)), input));
        }
    }

    @Test
    void widensNumbersToTheirCommonType() {
        VectorSchemaRoot input = batch(schema(Column.of("i", ColumnType.INTEGER), Column.of("l", ColumnType.BIGINT)),
                row(2, 3_000_000_000L), row(3, 2L));
        try (input) {
            assertEquals(Arrays.asList(false, true), evaluate(new Comparison(Operator.GREATER_THAN, ref(0, "i", ColumnType.INTEGER), Literal.of(2.5)), input));
            assertEquals(Arrays.asList(true, false), evaluate(new Comparison(Operator.LESS_THAN, ref(0, "i", ColumnType.INTEGER), ref(1, "l", ColumnType.BIGINT)), input));
        }
        Comparison mixed = new Comparison(Operator.GREATER_THAN, ref(0, "i", ColumnType.INTEGER), Literal.of(2.5));
        assertEquals("(CAST(i AS DOUBLE) > 2.5)", mixed.toString());
        assertEquals("(amount > 50.0)", new Comparison(Operator.GREATER_THAN, ref(1, "amount", ColumnType.DOUBLE), Literal.of(50)).toString());
    }

    @Test
    void rejectsIncomparableTypes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Comparison(Operator.EQUAL, ref(0, "s", ColumnType.VARCHAR), Literal.of(1)));
        assertEquals("Cannot combine VARCHAR and INTEGER in (s = 1)", e.getMessage());
    }
}
