package dev.sluice.api;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.sink.StreamSink;
import dev.sluice.execution.type.RowSchema;
import dev.sluice.execution.type.VectorValues;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Hands each batch's rows to a {@link BatchConsumer} (the shell prints them). At-least-once: a batch
 * replayed after a crash is delivered again, as with Spark's console sink.
 */
final class CallbackSink implements StreamSink {
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

    /** How messages name this sink. */
    @Override
    public String toString() {
        return "the console";
    }
}
