package dev.sluice.execution.stream;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.sink.BatchWriter;
import java.util.concurrent.Callable;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * A batch's rows on their way to a sink that writes them as they come ({@link IncrementalPlan#streamsRows}):
 * its tasks write their output here from their threads, one at a time, instead of keeping it until the batch's
 * end. Nothing reaches the sink before the batch's offsets are logged: the first write (or the commit of a batch
 * without rows) waits for that.
 */
final class StreamedRows {
    private final BatchWriter writer;
    private final Callable<Long> awaitLogged;
    private long logMillis = -1;
    private long rows;
    private long sinkNanos;

    /**
     * @param awaitLogged waits until the batch's offsets are logged and returns how long their write took, in ms
     */
    StreamedRows(BatchWriter writer, Callable<Long> awaitLogged) {
        this.writer = requireNonNull(writer, "writer is null");
        this.awaitLogged = requireNonNull(awaitLogged, "awaitLogged is null");
    }

    /** Writes a task's rows; they stay the caller's. */
    synchronized void write(VectorSchemaRoot root) throws Exception {
        if (root.getRowCount() == 0) {
            return;
        }
        logged();
        long t0 = System.nanoTime();
        writer.write(root);
        sinkNanos += System.nanoTime() - t0;
        rows += root.getRowCount();
    }

    /** Commits the batch in the sink, once every task is done. */
    synchronized void commit() throws Exception {
        logged();
        long t0 = System.nanoTime();
        writer.commit();
        sinkNanos += System.nanoTime() - t0;
    }

    private void logged() throws Exception {
        if (logMillis < 0) {
            logMillis = awaitLogged.call();
        }
    }

    /** Rows written so far. */
    synchronized long rows() {
        return rows;
    }

    /** How long the offset log's write took (ms), once awaited. */
    synchronized long logMillis() {
        return Math.max(0, logMillis);
    }

    /** Time spent in the sink's writer, in ms. */
    synchronized long sinkMillis() {
        return sinkNanos / 1_000_000;
    }
}
