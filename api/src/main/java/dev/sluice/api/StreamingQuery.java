package dev.sluice.api;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A handle on a running continuous query. Thread-safe.
 *
 * <p>A query runs micro-batches until it is stopped, its trigger ends it ({@code once},
 * {@code available-now}) or it fails; {@link #exception()} then tells why.
 */
public interface StreamingQuery {
    /** Unique id of this run. */
    String id();

    /** The query's name: also the name of its checkpoint directory, stable across restarts. */
    String name();

    /** The statement that started it. */
    String sql();

    /** The trigger it runs with, as EXPLAIN shows it: e.g. {@code processing-time 1000 ms}, {@code available-now}. */
    String trigger();

    /** How it emits rows: {@code append}, {@code update} or {@code complete}. */
    String outputMode();

    /**
     * EXPLAIN's text for the query as it was planned when it started: the logical and physical plans and how it
     * runs incrementally (sections headed {@code == ... ==}; a plan's operators indented under their parent).
     */
    String explain();

    /** The user whose session started it (see {@link Identity}): only they or an admin may stop it with SQL. */
    String owner();

    boolean isActive();

    /** Blocks until the query ends; throws the query's failure as a {@link SluiceException}. */
    void awaitTermination() throws InterruptedException;

    /** As {@link #awaitTermination()}, at most {@code timeout}; returns whether the query ended. */
    boolean awaitTermination(Duration timeout) throws InterruptedException;

    /** Stops after the running batch is committed (graceful), and waits for the query's thread to end. */
    void stop();

    /**
     * Stops gracefully if the running batch commits within {@code timeout}; otherwise stops by force: the
     * running batch is abandoned and re-run, with the same offsets, when the query restarts.
     *
     * @return true if the query stopped gracefully
     */
    boolean stop(Duration timeout);

    /**
     * What the query is doing now: e.g. "running batch 12", "waiting for the next trigger", "stopped", or,
     * while a source or sink can't be reached, "waiting for Kafka at 'host:9092': ..." with the attempts so
     * far, the next one, the limit ({@code outageTimeout}) and the last error.
     */
    String status();

    /** The progress of the last completed batch, if any. */
    Optional<QueryProgress> lastProgress();

    /** The progress of recent batches, oldest first (a bounded window). */
    List<QueryProgress> recentProgress();

    /** Why the query failed, if it did. */
    Optional<SluiceException> exception();
}
