package dev.sluice.execution.expr;

import static dev.sluice.execution.testing.TestBatches.ts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sluice.execution.testing.TestBatches;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.ColumnType;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;

class CastExprTest extends ExprTestBase {
    private VectorSchemaRoot column(ColumnType type, Object... values) {
        return TestBatches.column(allocator, Column.of("x", type), values);
    }

    private static Cast cast(ColumnType from, ColumnType to) {
        return new Cast(ref(0, "x", from), to);
    }

    @Test
    void convertsIntegers() {
        assertValues(cast(ColumnType.INTEGER, ColumnType.BIGINT), column(ColumnType.INTEGER, 1, null, -2), 1L, null, -2L);
        assertValues(cast(ColumnType.INTEGER, ColumnType.DOUBLE), column(ColumnType.INTEGER, 1, null, -2), 1.0, null, -2.0);
        assertValues(cast(ColumnType.INTEGER, ColumnType.VARCHAR), column(ColumnType.INTEGER, 1, null, -2), "1", null, "-2");
        assertValues(cast(ColumnType.INTEGER, ColumnType.BOOLEAN), column(ColumnType.INTEGER, 1, null, 0), true, null, false);
        assertValues(cast(ColumnType.INTEGER, ColumnType.TIMESTAMP), column(ColumnType.INTEGER, 1000, null),
                ts("1970-01-01 00:00:01"), null);
        assertValues(cast(ColumnType.BIGINT, ColumnType.INTEGER), column(ColumnType.BIGINT, 7L, null), 7, null);
        assertValues(cast(ColumnType.BOOLEAN, ColumnType.INTEGER), column(ColumnType.BOOLEAN, true, false, null), 1, 0, null);
        assertValues(cast(ColumnType.BOOLEAN, ColumnType.VARCHAR), column(ColumnType.BOOLEAN, true, false), "TRUE", "FALSE");
    }

    @Test
    void narrowingChecksTheRange() {
        try (VectorSchemaRoot input = column(ColumnType.BIGINT, 3_000_000_000L)) {
            ExpressionException e = assertThrows(ExpressionException.class,
                    () -> evaluate(cast(ColumnType.BIGINT, ColumnType.INTEGER), input));
            assertEquals("Cannot cast 3000000000 to INTEGER: out of range, in CAST(x AS INTEGER)", e.getMessage());
        }
        assertValues(cast(ColumnType.DOUBLE, ColumnType.INTEGER), column(ColumnType.DOUBLE, 2.7, -2.7, null), 2, -2, null);
        try (VectorSchemaRoot input = column(ColumnType.DOUBLE, Double.NaN)) {
            assertThrows(ExpressionException.class, () -> evaluate(cast(ColumnType.DOUBLE, ColumnType.BIGINT), input));
        }
    }

    @Test
    void parsesVarchars() {
        assertValues(cast(ColumnType.VARCHAR, ColumnType.INTEGER), column(ColumnType.VARCHAR, " 42 ", "-7", "+3", null), 42, -7, 3, null);
        assertValues(cast(ColumnType.VARCHAR, ColumnType.BIGINT), column(ColumnType.VARCHAR, "-9223372036854775808"), Long.MIN_VALUE);
        assertValues(cast(ColumnType.VARCHAR, ColumnType.DOUBLE), column(ColumnType.VARCHAR, "1.5", " -2e3"), 1.5, -2000.0);
        assertValues(cast(ColumnType.VARCHAR, ColumnType.BOOLEAN), column(ColumnType.VARCHAR, "TRUE", " false "), true, false);
        assertValues(cast(ColumnType.VARCHAR, ColumnType.TIMESTAMP),
                column(ColumnType.VARCHAR, "2024-03-01 12:30:45.123", "2024-03-01", "2024-03-01T12:30", "2024-03-01 12:30:45.1234567"),
                ts("2024-03-01 12:30:45.123"), ts("2024-03-01 00:00:00"), ts("2024-03-01 12:30:00"), ts("2024-03-01 12:30:45.123"));
    }

    @Test
    void badTextThrowsNamingTheValueAndTheType() {
        String[][] cases = {
            {"abc", "INTEGER", "Cannot cast 'abc' to INTEGER in CAST(x AS INTEGER)"},
            {"1.5", "INTEGER", "Cannot cast '1.5' to INTEGER in CAST(x AS INTEGER)"},
            {"99999999999", "INTEGER", "Cannot cast '99999999999' to INTEGER: out of range, in CAST(x AS INTEGER)"},
            {"", "BIGINT", "Cannot cast '' to BIGINT in CAST(x AS BIGINT)"},
            {"x1", "DOUBLE", "Cannot cast 'x1' to DOUBLE in CAST(x AS DOUBLE)"},
            {"yes", "BOOLEAN", "Cannot cast 'yes' to BOOLEAN in CAST(x AS BOOLEAN)"},
            {"2024-13-01", "TIMESTAMP", "Cannot cast '2024-13-01' to TIMESTAMP in CAST(x AS TIMESTAMP)"},
            {"yesterday", "TIMESTAMP", "Cannot cast 'yesterday' to TIMESTAMP in CAST(x AS TIMESTAMP)"},
        };
        for (String[] c : cases) {
            try (VectorSchemaRoot input = column(ColumnType.VARCHAR, null, c[0])) {
                ExpressionException e = assertThrows(ExpressionException.class,
                        () -> evaluate(cast(ColumnType.VARCHAR, ColumnType.valueOf(c[1])), input), c[0]);
                assertEquals(c[2], e.getMessage());
            }
        }
    }

    @Test
    void convertsTimestamps() {
        assertValues(cast(ColumnType.TIMESTAMP, ColumnType.VARCHAR), column(ColumnType.TIMESTAMP, ts("2024-03-01 12:30:05.007"), null),
                "2024-03-01 12:30:05.007", null);
        assertValues(cast(ColumnType.TIMESTAMP, ColumnType.BIGINT), column(ColumnType.TIMESTAMP, ts("1970-01-01 00:01:00")), 60_000L);
        assertValues(cast(ColumnType.BIGINT, ColumnType.TIMESTAMP), column(ColumnType.BIGINT, -1L), ts("1969-12-31 23:59:59.999"));
        assertValues(cast(ColumnType.DOUBLE, ColumnType.VARCHAR), column(ColumnType.DOUBLE, 1.5, 50.0), "1.5", "50.0");
    }

    @Test
    void foldsLiteralsAndSkipsNoOps() {
        PhysicalExpr x = ref(0, "x", ColumnType.INTEGER);
        assertSame(x, Cast.of(x, ColumnType.INTEGER));
        assertEquals(Literal.of(50.0), Cast.of(Literal.of(50), ColumnType.DOUBLE));
        assertEquals(new Literal(ts("2024-01-01 00:00:00"), ColumnType.TIMESTAMP), Cast.of(Literal.of("2024-01-01"), ColumnType.TIMESTAMP));
        assertEquals(Literal.nullOf(ColumnType.BIGINT), Cast.of(Literal.nullOf(ColumnType.INTEGER), ColumnType.BIGINT));
        // A literal that can't convert stays a cast: the error belongs to the rows that evaluate it.
        assertEquals("CAST('abc' AS INTEGER)", Cast.of(Literal.of("abc"), ColumnType.INTEGER).toString());
        assertThrows(IllegalArgumentException.class, () -> new Cast(ref(0, "b", ColumnType.BOOLEAN), ColumnType.TIMESTAMP));
    }
}
