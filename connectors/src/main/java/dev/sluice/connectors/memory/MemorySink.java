package dev.sluice.connectors.memory;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.sink.StreamSink;
import dev.sluice.execution.type.RowSchema;
import dev.sluice.execution.type.VectorValues;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.VectorSchemaRoot;

/** Appends batches to a memory table. Exactly-once: a batch id this query already wrote is ignored. */
final class MemorySink implements StreamSink {
    private final String table;
    private final String writer;
    private final MemoryTableStore store;

    MemorySink(String table, String writer, MemoryTableStore store) {
        this.table = requireNonNull(table, "table is null");
        this.writer = requireNonNull(writer, "writer is null");
        this.store = requireNonNull(store, "store is null");
    }

    @Override
    public void addBatch(long batchId, RowSchema schema, List<VectorSchemaRoot> batches) {
        List<List<Object>> rows = new ArrayList<>();
        for (VectorSchemaRoot root : batches) {
            rows.addAll(VectorValues.rows(root));
        }
        store.append(table, writer, batchId, rows);
    }

    /** How messages name this sink. */
    @Override
    public String toString() {
        return "the memory table '" + table + "'";
    }
}
