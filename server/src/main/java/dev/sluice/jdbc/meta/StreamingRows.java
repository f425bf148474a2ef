package dev.sluice.jdbc.meta;

import dev.sluice.api.ResultBatch;
import dev.sluice.api.SluiceException;
import dev.sluice.api.StreamingQuery;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The rows of a {@code SELECT STREAM} on their way from the query's thread to a JDBC client's
 * {@code ResultSet.next()}. The queue is bounded: a client that reads slowly holds the query back (it
 * waits to hand over its batch) instead of piling rows up in memory.
 */
final class StreamingRows {
    private static final int CAPACITY = 10_000;
    /** A client that has not fetched for this long while the buffer is full is taken for gone. */
    static final Duration ABANDONED_AFTER = Duration.ofMinutes(5);

    private final BlockingQueue<List<Object>> rows;
    private final Duration abandonedAfter;
    private volatile boolean closed;
    private volatile StreamingQuery query;
    private volatile long lastFetchNanos = System.nanoTime();

    StreamingRows() {
        this(CAPACITY, ABANDONED_AFTER);
    }

    StreamingRows(int capacity, Duration abandonedAfter) {
        this.rows = new ArrayBlockingQueue<>(capacity);
        this.abandonedAfter = abandonedAfter;
    }

    /**
     * Called by the query's thread with each micro-batch: waits for room, unless the reader is gone.
     *
     * @throws SluiceException if the buffer stayed full and nothing was fetched for {@link #ABANDONED_AFTER}
     *     (a client that died without closing): the query then fails and ends instead of waiting forever
     */
    void accept(ResultBatch batch) throws InterruptedException {
        for (List<Object> row : batch.rows()) {
            List<Object> converted = JdbcValues.toJdbc(row);
            while (!closed && !rows.offer(converted, 100, TimeUnit.MILLISECONDS)) {
                // the reader is behind: wait, unless it is gone
                if (System.nanoTime() - lastFetchNanos > abandonedAfter.toNanos()) {
                    closed = true;
                    rows.clear();
                    throw new SluiceException("The JDBC client stopped reading this SELECT STREAM (nothing fetched for "
                            + abandonedAfter.toSeconds() + " s with the buffer full): the query is stopped");
                }
            }
            if (closed) {
                return;
            }
        }
    }

    void attach(StreamingQuery query) {
        this.query = query;
    }

    /**
     * Up to {@code max} rows, waiting at most {@code wait} for the first one.
     *
     * @return the rows, and whether no more will come (the query ended and every row was taken)
     * @throws SluiceException if the query failed
     */
    Fetched fetch(int max, Duration wait) throws InterruptedException {
        lastFetchNanos = System.nanoTime();
        List<Object> out = new ArrayList<>();
        List<Object> first = rows.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        if (first != null) {
            out.add(first);
            List<List<Object>> more = new ArrayList<>();
            rows.drainTo(more, Math.max(0, max - 1));
            out.addAll(more);
        }
        StreamingQuery q = query;
        boolean ended = closed || (q != null && !q.isActive() && rows.isEmpty());
        if (ended && out.isEmpty() && q != null && q.exception().isPresent()) {
            throw q.exception().get();
        }
        return new Fetched(out, ended && rows.isEmpty());
    }

    /** The reader is gone (statement closed or cancelled): stop the query and drop what is queued. */
    void close() {
        closed = true;
        rows.clear();
        StreamingQuery q = query;
        if (q != null) {
            q.stop(Duration.ofSeconds(10));
        }
    }

    record Fetched(List<Object> rows, boolean done) {
    }
}
