package dev.sluice.api;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.changelog.ChangeBatch;
import dev.sluice.execution.sink.StreamSink;
import dev.sluice.execution.type.RowSchema;
import dev.sluice.execution.type.VectorValues;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Hands each batch's rows to a {@link BatchConsumer} (the shell prints them). At-least-once: a batch
 * replayed after a crash is delivered again, as with Spark's console sink. A result that updates rows comes
 * as its changes: each row led by {@value #CHANGE_COLUMN}, {@code +I} for an insert or {@code -D} for a
 * delete of a row emitted before (Flink's changelog notation).
 */
final class CallbackSink implements StreamSink {
    /** The first column of an updating result: the row's change. */
    static final String CHANGE_COLUMN = "op";

    private final BatchConsumer consumer;

    CallbackSink(BatchConsumer consumer) {
        this.consumer = requireNonNull(consumer, "consumer is null");
    }

    @Override
    public void addBatch(long batchId, RowSchema schema, List<VectorSchemaRoot> batches) throws Exception {
        List<List<Object>> rows = new ArrayList<>();
        for (VectorSchemaRoot root : batches) {
            rows.addAll(VectorValues.rows(root));
        }
        if (!rows.isEmpty()) {
            consumer.accept(new ResultBatch(batchId, schema.names(), rows));
        }
    }

    @Override
    public boolean takesChanges() {
        return true;
    }

    @Override
    public void addChanges(long batchId, RowSchema schema, List<ChangeBatch> changes) throws Exception {
        List<List<Object>> rows = new ArrayList<>();
        for (ChangeBatch change : changes) {
            List<List<Object>> values = VectorValues.rows(change.rows());
            for (int i = 0; i < values.size(); i++) {
                int weight = change.weight(i);
                for (int n = 0; n < Math.abs(weight); n++) {
                    List<Object> row = new ArrayList<>(values.get(i).size() + 1);
                    row.add(weight > 0 ? "+I" : "-D");
                    row.addAll(values.get(i));
                    rows.add(row);
                }
            }
        }
        if (!rows.isEmpty()) {
            List<String> columns = new ArrayList<>(schema.names());
            columns.add(0, CHANGE_COLUMN);
            consumer.accept(new ResultBatch(batchId, columns, rows));
        }
    }

    /** How messages name this sink. */
    @Override
    public String toString() {
        return "the console";
    }
}
