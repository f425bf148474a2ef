package dev.sluice.api;

import java.util.Optional;

/**
 * Told about every continuous query of a session, like Spark's {@code StreamingQueryListener} (and the
 * older {@code StreamingListener}'s batch events). Register with {@link Sluice#addListener}.
 *
 * <p>Events come from the query's own thread, in order per query; implementations must be quick and must
 * not throw (an exception is logged and ignored).
 */
public interface StreamingQueryListener {
    /** The query started (its first batch may not have run yet). */
    default void onQueryStarted(StreamingQuery query) {
    }

    /**
     * A batch's offsets were logged: it runs to its commit now, or after a restart if the query dies first. The
     * offsets are written while the batch's tasks run (after {@link #onBatchStarted}), and always before its
     * output reaches the sink.
     */
    default void onBatchSubmitted(StreamingQuery query, long batchId) {
    }

    /** A batch's tasks are starting. */
    default void onBatchStarted(StreamingQuery query, long batchId) {
    }

    /** A batch was committed. */
    default void onBatchCompleted(StreamingQuery query, QueryProgress progress) {
    }

    /**
     * A source or sink of the query can't be reached (e.g. a Kafka broker is down): the query waits and
     * tries again, up to its {@code outageTimeout}. Once per failed attempt; {@code status} is the query's
     * {@link StreamingQuery#status()} (what it waits for, since when, the next attempt, the last error).
     */
    default void onQueryWaiting(StreamingQuery query, String status) {
    }

    /** The query ended: stopped ({@code error} empty) or failed. */
    default void onQueryTerminated(StreamingQuery query, Optional<SluiceException> error) {
    }
}
