package dev.sluice.connectors.memory;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.changelog.ChangeBatch;
import dev.sluice.execution.sink.StreamSink;
import dev.sluice.execution.type.RowSchema;
import dev.sluice.execution.type.VectorValues;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Appends batches to a memory table; a result that updates rows is applied as its changes (a delete removes
 * an equal row), and a {@code complete} result replaces what the query wrote before, so the table holds the
 * query's current result. Exactly-once: a batch id this query already wrote is ignored.
 */
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
        store.append(table, writer, batchId, rows(batches));
    }

    /** A complete result replaces the rows this query wrote before (Spark's memory sink in complete mode). */
    @Override
    public void addCompleteResult(long batchId, RowSchema schema, List<VectorSchemaRoot> batches) {
        store.replace(table, writer, batchId, rows(batches));
    }

    @Override
    public boolean takesChanges() {
        return true;
    }

    @Override
    public void addChanges(long batchId, RowSchema schema, List<ChangeBatch> changes) {
        List<List<Object>> rows = new ArrayList<>();
        List<Integer> weights = new ArrayList<>();
        for (ChangeBatch change : changes) {
            List<List<Object>> values = VectorValues.rows(change.rows());
            for (int i = 0; i < values.size(); i++) {
                rows.add(values.get(i));
                weights.add(change.weight(i));
            }
        }
        store.apply(table, writer, batchId, rows, weights);
    }

    /** How messages name this sink. */
    @Override
    public String toString() {
        return "the memory table '" + table + "'";
    }

    /** The rows of the batches, in order. */
    private static List<List<Object>> rows(List<VectorSchemaRoot> batches) {
        List<List<Object>> rows = new ArrayList<>();
        for (VectorSchemaRoot root : batches) {
            rows.addAll(VectorValues.rows(root));
        }
        return rows;
    }
}
