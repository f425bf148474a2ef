package dev.sluice.execution.stream;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.sink.BatchWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * A batch's rows on their way to a sink that writes them as they come ({@link IncrementalPlan#streamsRows}):
 * its tasks hand their output here from their threads, one at a time, instead of keeping it until the batch's
 * end. Nothing reaches the sink before the batch's offsets are logged: rows that come while the offset log is
 * still being written wait here (a few milliseconds' worth: the write runs beside the tasks), and go to the sink
 * with the first rows after it, or at the commit, which waits for the log.
 */
final class StreamedRows implements AutoCloseable {
    private final BatchWriter writer;
    private final BooleanSupplier logWritten;
    private final Callable<Long> awaitLogged;
    /** Rows that came before the offset log was written, owned here. */
    private final List<VectorSchemaRoot> waiting = new ArrayList<>();
    private long logMillis = -1;
    private long rows;
    private long sinkNanos;

    /**
     * @param logWritten whether the batch's offsets are logged, without waiting
     * @param awaitLogged waits until the batch's offsets are logged and returns how long their write took, in ms
     */
    StreamedRows(BatchWriter writer, BooleanSupplier logWritten, Callable<Long> awaitLogged) {
        this.writer = requireNonNull(writer, "writer is null");
        this.logWritten = requireNonNull(logWritten, "logWritten is null");
        this.awaitLogged = requireNonNull(awaitLogged, "awaitLogged is null");
    }

    /** Takes a task's rows, which it then owns (and closes). */
    synchronized void write(VectorSchemaRoot root) throws Exception {
        if (root.getRowCount() == 0) {
            root.close();
            return;
        }
        if (logMillis < 0 && !logWritten.getAsBoolean()) {
            waiting.add(root);
            return;
        }
        try (root) {
            writeWaiting();
            writeNow(root);
        }
    }

    /** Commits the batch in the sink, once every task is done. */
    synchronized void commit() throws Exception {
        writeWaiting();
        long t0 = System.nanoTime();
        writer.commit();
        sinkNanos += System.nanoTime() - t0;
    }

    /** Waits for the offset log if not yet done, then writes the rows that waited for it. */
    private void writeWaiting() throws Exception {
        if (logMillis < 0) {
            logMillis = awaitLogged.call();
        }
        while (!waiting.isEmpty()) {
            try (VectorSchemaRoot root = waiting.remove(0)) {
                writeNow(root);
            }
        }
    }

    private void writeNow(VectorSchemaRoot root) throws Exception {
        long t0 = System.nanoTime();
        writer.write(root);
        sinkNanos += System.nanoTime() - t0;
        rows += root.getRowCount();
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

    /** Frees rows still waiting (a failed batch). */
    @Override
    public synchronized void close() {
        waiting.forEach(VectorSchemaRoot::close);
        waiting.clear();
    }
}
