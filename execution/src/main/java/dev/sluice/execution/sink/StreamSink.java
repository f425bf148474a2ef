package dev.sluice.execution.sink;

import dev.sluice.execution.changelog.ChangeBatch;
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
     * Whether the sink writes a batch's rows as they come ({@link #openBatch}), so that a batch of a stateless
     * query holds only the rows in flight, whatever its size, and only the commit waits for the batch's end (as
     * Spark's and Flink's sinks write). A sink that doesn't takes each batch whole ({@link #addBatch}).
     */
    default boolean writesRowsAsTheyCome() {
        return false;
    }

    /**
     * Opens batch {@code batchId} of a result of inserts (not a complete result) for rows written as they come;
     * only when {@link #writesRowsAsTheyCome()}. Nothing written becomes visible before {@link BatchWriter#commit};
     * a batch closed without its commit (a failure) is written again, whole, under the same id, which an
     * exactly-once sink must then not take twice (as with {@link #addBatch}).
     *
     * @throws UnsupportedOperationException if the sink takes whole batches only
     */
    default BatchWriter openBatch(long batchId, RowSchema schema) throws Exception {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " takes whole batches only");
    }

    /**
     * Whether the sink takes a result that updates rows ({@link #addChanges}): a query whose result deletes
     * rows (a Top-N, an aggregate over updating rows) is refused at start by a sink that doesn't.
     */
    default boolean takesChanges() {
        return false;
    }

    /**
     * What would make a sink that takes inserts only ({@link #takesChanges()} false) take a result that updates
     * rows, e.g. an option or a primary key to declare on its table, for the refusal at start; empty if nothing
     * would.
     */
    default Optional<String> howToTakeChanges() {
        return Optional.empty();
    }

    /**
     * Takes batch {@code batchId} of a result that updates rows: rows with weights, +1 an insert and -1 a delete
     * (of a row inserted before). Same contract as {@link #addBatch} otherwise: durable before returning, the
     * batches stay the caller's, a batch id already taken may come again.
     *
     * @throws UnsupportedOperationException if the sink takes inserts only ({@link #takesChanges()} is false)
     */
    default void addChanges(long batchId, RowSchema schema, List<ChangeBatch> changes) throws Exception {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " takes inserts only");
    }

    /**
     * Takes batch {@code batchId} of a query in {@code complete} output mode: its rows are the query's whole
     * result as of the batch, not what changed. A sink that holds a table (a memory table) replaces what this
     * query wrote before with them, as Spark's memory sink does; a sink that appends (files, Kafka: Spark's
     * write each batch's whole result too) writes them as another batch, the default. Same contract as
     * {@link #addBatch} otherwise.
     */
    default void addCompleteResult(long batchId, RowSchema schema, List<VectorSchemaRoot> batches) throws Exception {
        addBatch(batchId, schema, batches);
    }

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
