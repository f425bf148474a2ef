package dev.sluice.execution.sink;

import dev.sluice.execution.type.RowSchema;
import java.util.List;
import java.util.Optional;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Where a query's result goes, one micro-batch at a time.
 *
 * <p>Contract: {@link #addBatch} may be called again with a batch id it has already taken (a query that
 * crashed after the sink took a batch but before the commit marker was written replays it); an
 * exactly-once sink must then not write the batch twice. Each sink's class Javadoc states its guarantee.
 * Called by one thread at a time.
 */
public interface StreamSink extends AutoCloseable {
    /**
     * Takes the rows of batch {@code batchId} durably before returning. The roots all have
     * {@code schema}; they stay owned by the caller, who closes them after this returns.
     */
    void addBatch(long batchId, RowSchema schema, List<VectorSchemaRoot> batches) throws Exception;

    /**
     * What can't be reached, if {@code failure} (thrown by {@link #addBatch} or while running the batch)
     * means that the sink's system is unreachable for now and may come back (see
     * {@link dev.sluice.execution.source.StreamSource#unreachable}); the query then calls
     * {@link #addBatch} again with the same batch id. Default: empty (nothing is retried).
     */
    default Optional<String> unreachable(Throwable failure) {
        return Optional.empty();
    }

    @Override
    default void close() {
    }
}
