package dev.sluice.execution.expr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.VectorValues;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;

class ProcessingTimeExprTest extends ExprTestBase {
    private VectorSchemaRoot twoRows() {
        return batch(schema(Column.of("x", ColumnType.INTEGER)), row(1), row(2));
    }

    @Test
    void isTheBatchTimeOfTheThreadAndFailsOutsideABatch() throws Exception {
        long t1 = 1_700_000_000_000L;
        long t2 = t1 + 5_000;
        assertValues(ProcessingTime.INSTANCE, t1, t1);
        // Nested runs (a lookup side inside a batch) restore the outer batch's time.
        assertEquals(t1, (long) ProcessingTime.at(t1, () -> {
            ProcessingTime.at(t2, () -> {
                assertValues(ProcessingTime.INSTANCE, t2, t2);
                return null;
            });
            return timeOfFirstRow();
        }));
        try (VectorSchemaRoot rows = twoRows()) {
            ExpressionException e = assertThrows(ExpressionException.class,
                    () -> ProcessingTime.INSTANCE.evaluate(rows, allocator));
            assertEquals("PROCTIME() was evaluated outside of a micro-batch, which gives it its time", e.getMessage());
        }
    }

    private void assertValues(PhysicalExpr expr, long first, long second) throws Exception {
        ProcessingTime.at(first, () -> {
            try (VectorSchemaRoot rows = twoRows();
                    org.apache.arrow.vector.FieldVector v = expr.evaluate(rows, allocator)) {
                assertEquals(VectorValues.toLocalDateTime(first), VectorValues.get(v, 0));
                assertEquals(VectorValues.toLocalDateTime(first), VectorValues.get(v, 1));
            }
            return null;
        });
    }

    private long timeOfFirstRow() {
        try (VectorSchemaRoot rows = twoRows();
                org.apache.arrow.vector.FieldVector v = ProcessingTime.INSTANCE.evaluate(rows, allocator)) {
            return ((org.apache.arrow.vector.TimeStampMilliVector) v).get(0);
        }
    }
}
