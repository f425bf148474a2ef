package dev.sluice.execution.stream;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.source.SourceException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rides out outages of a query's sources and sink. Runs an attempt (planning a batch, running one); when
 * it fails because something can't be reached (as a source or the sink says:
 * {@link dev.sluice.execution.source.StreamSource#unreachable}), waits (500 ms, doubling up to 10 s) and
 * runs it again, until it succeeds or the outage has lasted the query's {@code outageTimeout}, and then
 * fails with an error naming the limit and the last failure. Any other failure is thrown at once.
 *
 * <p>Running a batch again is safe because a batch is a pure function of its logged offsets: its operator
 * state is aborted and taken again from the previous batch's, and a sink may be given the same batch id
 * again after it threw ({@link dev.sluice.execution.sink.StreamSink}'s contract). Each failed attempt is
 * logged and reported to the {@link QueryObserver}. Used by the query's driver thread only.
 */
final class OutageRetry {
    private static final Logger LOG = LoggerFactory.getLogger(OutageRetry.class);
    static final Duration INITIAL_BACKOFF = Duration.ofMillis(500);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

    /** One attempt of an action. */
    @FunctionalInterface
    interface Attempt<T> {
        T run() throws Exception;
    }

    /** A stop was requested while the query waited for the next attempt; the action did not complete. */
    static final class StoppedWhileWaiting extends Exception {
        StoppedWhileWaiting(String message) {
            super(message);
        }
    }

    private final String queryName;
    private final Duration limit;
    private final Function<Throwable, Optional<String>> unreachable;
    private final QueryObserver observer;
    private final CountDownLatch stopRequested;
    /** Time waited between attempts since {@link #takeWaitedMillis()} was last called. */
    private long waitedNanos;

    /**
     * @param unreachable what can't be reached if a failure means an outage (empty for other failures)
     * @param stopRequested counted down when the query should stop: ends a wait at once
     */
    OutageRetry(String queryName, Duration limit, Function<Throwable, Optional<String>> unreachable,
                QueryObserver observer, CountDownLatch stopRequested) {
        this.queryName = requireNonNull(queryName, "queryName is null");
        this.limit = requireNonNull(limit, "limit is null");
        this.unreachable = requireNonNull(unreachable, "unreachable is null");
        this.observer = requireNonNull(observer, "observer is null");
        this.stopRequested = requireNonNull(stopRequested, "stopRequested is null");
    }

    /**
     * Runs {@code attempt} until it succeeds, retrying while what it needs can't be reached.
     *
     * @param action what the attempt does, for logs and errors (e.g. {@code running batch 7})
     * @throws SourceException naming the limit and the last failure if the outage outlasts the limit
     * @throws StoppedWhileWaiting if a stop was requested while waiting to retry
     * @throws Exception the attempt's own failure if it is not an outage
     */
    <T> T call(String action, Attempt<T> attempt) throws Exception {
        long outageStarted = -1;
        Outage last = null;
        for (int failures = 1; ; failures++) {
            long attemptStarted = System.nanoTime();
            try {
                T result = attempt.run();
                if (last != null) {
                    LOG.info("Query {}: {} succeeded after {} failed attempt(s); {} is reachable again", queryName,
                            action, last.attempt(), last.unreachable());
                    notifyObserver(last, true);
                }
                return result;
            } catch (Exception e) {
                Optional<String> what = unreachable.apply(e);
                if (what.isEmpty()) {
                    throw e;
                }
                long now = System.nanoTime();
                if (outageStarted < 0) {
                    outageStarted = attemptStarted;
                }
                long downMillis = TimeUnit.NANOSECONDS.toMillis(now - outageStarted);
                long leftMillis = limit.toMillis() - downMillis;
                if (leftMillis <= 0) {
                    throw new SourceException("Query '" + queryName + "' gave up " + action + ": " + what.get()
                            + " could not be reached for " + downMillis + " ms (" + failures + " attempt(s)), longer "
                            + "than its outageTimeout of " + limit.toMillis() + " ms. Last error: " + e.getMessage()
                            + ". Restart the query once it can be reached: it resumes from its checkpoint.", e);
                }
                long backoff = Math.min(MAX_BACKOFF.toMillis(), INITIAL_BACKOFF.toMillis() << Math.min(failures - 1, 20));
                long retryIn = Math.min(backoff, leftMillis);
                last = new Outage(what.get(), action, failures, downMillis, limit.toMillis(), retryIn,
                        String.valueOf(e.getMessage()));
                LOG.warn("Query {}: {}", queryName, last.describe());
                notifyObserver(last, false);
                long waitStarted = System.nanoTime();
                boolean stop = stopRequested.await(retryIn, TimeUnit.MILLISECONDS);
                waitedNanos += System.nanoTime() - waitStarted;
                if (stop) {
                    throw new StoppedWhileWaiting("Query " + queryName + " stopped while " + last.describe());
                }
            }
        }
    }

    /** Milliseconds spent waiting between attempts since the last call; for a batch's progress. */
    long takeWaitedMillis() {
        long waited = TimeUnit.NANOSECONDS.toMillis(waitedNanos);
        waitedNanos = 0;
        return waited;
    }

    private void notifyObserver(Outage outage, boolean over) {
        try {
            if (over) {
                observer.onOutageOver(outage);
            } else {
                observer.onOutage(outage);
            }
        } catch (RuntimeException e) {
            LOG.warn("Query observer failed", e);
        }
    }
}
