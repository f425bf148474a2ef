package dev.sluice.execution.stream;

/**
 * Told what a continuous query does, from the query's own thread. Implementations must be quick and must
 * not throw (an exception is logged and ignored).
 */
public interface QueryObserver {
    /** A batch's offsets were written to the offset log: it will run, now or after a restart. */
    default void onBatchSubmitted(long batchId) {
    }

    /** A batch's tasks are starting. */
    default void onBatchStarted(long batchId) {
    }

    /** A batch was committed. */
    default void onBatchCompleted(BatchProgress progress) {
    }

    /**
     * A source or the sink can't be reached: the query waits {@link Outage#retryInMillis()}, then tries
     * again (up to its {@code outageTimeout}). Once per failed attempt.
     */
    default void onOutage(Outage outage) {
    }

    /** The attempt after {@code outage} (the last failed one) succeeded: what was unreachable answers again. */
    default void onOutageOver(Outage outage) {
    }

    /** The query ended: {@code failure} is null when it stopped normally. */
    default void onTerminated(Throwable failure) {
    }
}
