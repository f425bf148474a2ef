package dev.sluice.execution.sink;

import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * One batch of a query's result being written to a sink as its rows come ({@link StreamSink#openBatch}):
 * {@link #write} any number of times, then {@link #commit}; {@link #close} after either, which discards what was
 * written unless it was committed. Called by one thread at a time.
 */
public interface BatchWriter extends AutoCloseable {
    /** Writes rows of the batch; {@code rows} stays the caller's, who closes it after this returns. */
    void write(VectorSchemaRoot rows) throws Exception;

    /** Makes everything written durable as the batch, as {@link StreamSink#addBatch} does for a whole batch. */
    void commit() throws Exception;

    /** Ends the batch; one not committed is discarded (or left for the batch's next run to replace). */
    @Override
    void close();
}
