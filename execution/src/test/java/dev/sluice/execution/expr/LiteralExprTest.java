package dev.sluice.execution.expr;

import static dev.sluice.execution.testing.TestBatches.ts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.ColumnType;
import org.junit.jupiter.api.Test;

class LiteralExprTest extends ExprTestBase {
    private org.apache.arrow.vector.VectorSchemaRoot threeRows() {
        return batch(schema(Column.of("x", ColumnType.INTEGER)), row(1), row(2), row(3));
    }

    @Test
    void fillsEveryRow() {
        assertValues(Literal.of(7), threeRows(), 7, 7, 7);
        assertValues(Literal.of("hé"), threeRows(), "hé", "hé", "hé");
        assertValues(Literal.of(2.5), threeRows(), 2.5, 2.5, 2.5);
        assertValues(Literal.of(9L), threeRows(), 9L, 9L, 9L);
        assertValues(Literal.of(true), threeRows(), true, true, true);
        assertValues(new Literal(ts("2024-03-01 10:00:00"), ColumnType.TIMESTAMP), threeRows(),
                ts("2024-03-01 10:00:00"), ts("2024-03-01 10:00:00"), ts("2024-03-01 10:00:00"));
        assertValues(Literal.nullOf(ColumnType.VARCHAR), threeRows(), null, null, null);
    }

    @Test
    void normalisesValuesAndRejectsMismatches() {
        assertEquals(5L, new Literal(5, ColumnType.BIGINT).value());
        assertEquals(5.0, new Literal(5, ColumnType.DOUBLE).value());
        assertEquals(0L, new Literal(ts("1970-01-01 00:00:00"), ColumnType.TIMESTAMP).value());
        assertThrows(IllegalArgumentException.class, () -> new Literal("5", ColumnType.INTEGER));
        assertThrows(IllegalArgumentException.class, () -> new Literal(5_000_000_000L, ColumnType.INTEGER));
    }

    @Test
    void printsSqlLiterals() {
        assertEquals("50", Literal.of(50).toString());
        assertEquals("'it''s'", Literal.of("it's").toString());
        assertEquals("TRUE", Literal.of(true).toString());
        assertEquals("NULL", Literal.nullOf(ColumnType.INTEGER).toString());
        assertEquals("TIMESTAMP '2024-03-01 10:00:00.000'", new Literal(ts("2024-03-01 10:00:00"), ColumnType.TIMESTAMP).toString());
    }
}
