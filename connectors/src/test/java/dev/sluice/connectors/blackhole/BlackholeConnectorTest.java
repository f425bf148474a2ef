package dev.sluice.connectors.blackhole;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.execution.connector.ConnectorContext;
import dev.sluice.execution.connector.TableDescriptor;
import dev.sluice.execution.error.EngineException;
import dev.sluice.execution.sink.BatchWriter;
import dev.sluice.execution.sink.StreamSink;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.RowSchema;
import dev.sluice.execution.type.VectorValues;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;

class BlackholeConnectorTest {
    private static final RowSchema SCHEMA = RowSchema.of(Column.of("n", ColumnType.BIGINT));

    @Test
    void countsRowsPerTable() throws Exception {
        BlackholeConnector connector = new BlackholeConnector();
        TableDescriptor table = new TableDescriptor("Hole_Test", SCHEMA, Map.of("connector", "blackhole"));
        StreamSink sink = connector.createSink(table, new ConnectorContext(Map.of(), "q"));
        try (RootAllocator allocator = new RootAllocator();
             VectorSchemaRoot a = VectorValues.toBatch(SCHEMA, List.of(List.of(1L), List.of(2L)), allocator);
             VectorSchemaRoot b = VectorValues.toBatch(SCHEMA, List.of(List.of(3L)), allocator)) {
            sink.addBatch(0, SCHEMA, List.of(a, b));
            sink.addBatch(1, SCHEMA, List.of(a));
        }
        assertEquals(5, BlackholeConnector.rowsWritten("hole_test"));
        // Rows as they come count once their batch commits; a batch closed without its commit (it failed, and is
        // run again) counts nothing.
        assertTrue(sink.writesRowsAsTheyCome());
        try (RootAllocator allocator = new RootAllocator();
             VectorSchemaRoot a = VectorValues.toBatch(SCHEMA, List.of(List.of(1L), List.of(2L)), allocator)) {
            try (BatchWriter failed = sink.openBatch(2, SCHEMA)) {
                failed.write(a);
            }
            assertEquals(5, BlackholeConnector.rowsWritten("hole_test"));
            try (BatchWriter writer = sink.openBatch(2, SCHEMA)) {
                writer.write(a);
                writer.write(a);
                assertEquals(5, BlackholeConnector.rowsWritten("hole_test"));
                writer.commit();
            }
        }
        assertEquals(9, BlackholeConnector.rowsWritten("hole_test"));
        EngineException e = assertThrows(EngineException.class, () -> connector.validate(
                new TableDescriptor("h", SCHEMA, Map.of("connector", "blackhole", "path", "/x"))));
        assertEquals("Unknown option 'path' for blackhole table 'h' (it takes no options)", e.getMessage());
    }
}
