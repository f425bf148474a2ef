package dev.sluice.connectors.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.sluice.execution.connector.ConnectorContext;
import dev.sluice.execution.connector.TableDescriptor;
import dev.sluice.execution.sink.StreamSink;
import dev.sluice.execution.source.OffsetRange;
import dev.sluice.execution.source.PartitionReader;
import dev.sluice.execution.source.ScanSpec;
import dev.sluice.execution.source.SourcePartition;
import dev.sluice.execution.source.StreamSource;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.RowSchema;
import dev.sluice.execution.type.VectorValues;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MemoryConnectorTest {
    private static final RowSchema SCHEMA = RowSchema.of(Column.of("page", ColumnType.VARCHAR),
            Column.of("n", ColumnType.BIGINT));
    private static final TableDescriptor TABLE = new TableDescriptor("mem_test", SCHEMA, Map.of("connector", "memory"));

    private final BufferAllocator allocator = new RootAllocator();
    private final MemoryConnector connector = new MemoryConnector();
    private final ConnectorContext context = new ConnectorContext(Map.of(), "q");

    @AfterEach
    void tearDown() {
        connector.drop(TABLE);
        allocator.close();
    }

    private void write(StreamSink sink, long batchId, List<List<Object>> rows) throws Exception {
        try (VectorSchemaRoot root = VectorValues.toBatch(SCHEMA, rows, allocator)) {
            sink.addBatch(batchId, SCHEMA, List.of(root));
        }
    }

    private void writeComplete(StreamSink sink, long batchId, List<List<Object>> rows) throws Exception {
        try (VectorSchemaRoot root = VectorValues.toBatch(SCHEMA, rows, allocator)) {
            sink.addCompleteResult(batchId, SCHEMA, List.of(root));
        }
    }

    private List<List<Object>> contents() {
        return MemoryTableStore.instance().rows(TABLE.name(), 0, Long.MAX_VALUE);
    }

    @Test
    void aCompleteResultReplacesWhatItsQueryWroteBefore() throws Exception {
        StreamSink other = connector.createSink(TABLE, new ConnectorContext(Map.of(), "other"));
        write(other, 0, List.of(Arrays.asList("/a", 1L)));  // another query's row, which stays
        StreamSink sink = connector.createSink(TABLE, context);
        writeComplete(sink, 0, List.of(Arrays.asList("/a", 1L), Arrays.asList("/b", null)));
        assertEquals(List.of(Arrays.asList("/a", 1L), Arrays.asList("/a", 1L), Arrays.asList("/b", null)), contents());
        writeComplete(sink, 1, List.of(Arrays.asList("/a", 2L), Arrays.asList("/b", null), Arrays.asList("/c", 5L)));
        assertEquals(List.of(Arrays.asList("/a", 1L), Arrays.asList("/a", 2L), Arrays.asList("/b", null),
                Arrays.asList("/c", 5L)), contents());
        // A replayed batch changes nothing.
        writeComplete(sink, 1, List.of(Arrays.asList("/replayed", 9L)));
        assertEquals(4, contents().size());
    }

    @Test
    void writesOncePerBatchAndReadsRanges() throws Exception {
        StreamSink sink = connector.createSink(TABLE, context);
        write(sink, 0, List.of(Arrays.asList("/a", 1L), Arrays.asList("/b", null)));
        write(sink, 1, List.of(Arrays.asList("/c", 3L)));
        write(sink, 1, List.of(Arrays.asList("/replayed", 9L)));
        StreamSource source = connector.createSource(TABLE, context);
        SourcePartition p = new SourcePartition("memory:mem_test", 0);
        assertEquals(Map.of(p, 3L), source.latestOffsets());
        try (PartitionReader reader = source.openReader(new ScanSpec(new OffsetRange(p, 1, 3), List.of("n", "page"), 1),
                allocator)) {
            try (VectorSchemaRoot first = reader.next()) {
                assertEquals(List.of(Arrays.asList(null, "/b")), VectorValues.rows(first));
            }
            try (VectorSchemaRoot second = reader.next()) {
                assertEquals(List.of(List.of(3L, "/c")), VectorValues.rows(second));
            }
            assertNull(reader.next());
        }
        connector.drop(TABLE);
        assertEquals(Map.of(p, 0L), source.latestOffsets());
    }
}
