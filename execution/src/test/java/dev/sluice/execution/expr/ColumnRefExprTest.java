package dev.sluice.execution.expr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.execution.testing.TestBatches;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.ColumnType;
import java.util.Arrays;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;

class ColumnRefExprTest extends ExprTestBase {
    @Test
    void returnsTheColumnWithoutCopyingItAndOutlivesTheInput() {
        VectorSchemaRoot input = batch(schema(Column.of("id", ColumnType.INTEGER), Column.of("name", ColumnType.VARCHAR)),
                row(1, "a"), row(null, "bb"), row(3, null));
        long before = allocator.getAllocatedMemory();
        FieldVector name = new ColumnRef(1, "name", ColumnType.VARCHAR).evaluate(input, allocator);
        FieldVector id = new ColumnRef(0, "id", ColumnType.INTEGER).evaluate(input, allocator);
        assertEquals(before, allocator.getAllocatedMemory(), "shared buffers, no new memory");
        assertEquals(input.getVector(0).getDataBufferAddress(), id.getDataBufferAddress());
        input.close();
        try (name; id) {
            assertEquals(Arrays.asList("a", "bb", null), TestBatches.values(name));
            assertEquals(Arrays.asList(1, null, 3), TestBatches.values(id));
        }
        assertEquals(0, allocator.getAllocatedMemory());
    }

    @Test
    void rejectsABatchWhoseColumnHasAnotherType() {
        try (VectorSchemaRoot input = batch(schema(Column.of("id", ColumnType.BIGINT)), row(1L))) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> new ColumnRef(0, "id", ColumnType.INTEGER).evaluate(input, allocator));
            assertTrue(e.getMessage().contains("id"), e.getMessage());
        }
    }

    @Test
    void printsItsName() {
        assertEquals("amount", new ColumnRef(2, "amount", ColumnType.DOUBLE).toString());
        assertEquals("$2", new ColumnRef(2, ColumnType.DOUBLE).toString());
    }
}
