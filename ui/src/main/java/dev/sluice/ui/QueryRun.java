package dev.sluice.ui;

import static java.util.Objects.requireNonNull;

import dev.sluice.api.QueryProgress;
import dev.sluice.api.SluiceException;
import dev.sluice.api.StreamingQuery;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * One run of a continuous query as the status page knows it: the query's handle, when it started and ended,
 * its totals since it started, and the progress of its recent batches (more than the query itself keeps, so
 * that the charts cover the last minutes). Kept after the query ends, so that stopped and failed queries stay
 * on the page. Thread-safe.
 */
final class QueryRun {
    /** Batches kept per run: 12 minutes at a one-second trigger. */
    static final int HISTORY = 720;

    private final long runNumber;
    private final StreamingQuery query;
    private final Instant startedAt;
    private final Deque<QueryProgress> history = new ArrayDeque<>();
    private long batches;
    private long inputRows;
    private long outputRows;
    private long malformedRows;
    private long lateRows;
    private Instant endedAt;
    private SluiceException error;

    QueryRun(long runNumber, StreamingQuery query, Instant startedAt) {
        this.runNumber = runNumber;
        this.query = requireNonNull(query, "query is null");
        this.startedAt = requireNonNull(startedAt, "startedAt is null");
    }

    /** Numbers the runs of the session in the order they started: a restarted query keeps its id, not this. */
    long runNumber() {
        return runNumber;
    }

    StreamingQuery query() {
        return query;
    }

    Instant startedAt() {
        return startedAt;
    }

    synchronized void batchCompleted(QueryProgress progress) {
        history.addLast(progress);
        while (history.size() > HISTORY) {
            history.removeFirst();
        }
        batches++;
        inputRows += progress.inputRows();
        outputRows += progress.outputRows();
        malformedRows += progress.malformedRows();
        lateRows += progress.lateRows();
    }

    synchronized void terminated(Instant at, Optional<SluiceException> failure) {
        endedAt = at;
        error = failure.orElse(null);
    }

    /** The batches kept, oldest first, from batch {@code afterBatchId + 1} on. */
    synchronized List<QueryProgress> progressAfter(long afterBatchId) {
        List<QueryProgress> after = new ArrayList<>();
        for (QueryProgress p : history) {
            if (p.batchId() > afterBatchId) {
                after.add(p);
            }
        }
        return after;
    }

    synchronized Optional<QueryProgress> lastProgress() {
        return Optional.ofNullable(history.peekLast());
    }

    synchronized Totals totals() {
        return new Totals(batches, inputRows, outputRows, malformedRows, lateRows);
    }

    synchronized Optional<Instant> endedAt() {
        return Optional.ofNullable(endedAt);
    }

    /** Why the run failed; also a failure the query reported before this page was told it ended. */
    synchronized Optional<SluiceException> error() {
        return Optional.ofNullable(error).or(query::exception);
    }

    /** RUNNING, STOPPED or FAILED. */
    synchronized String state() {
        if (error().isPresent()) {
            return "FAILED";
        }
        return endedAt == null && query.isActive() ? "RUNNING" : "STOPPED";
    }

    /**
     * What the run did since it started.
     *
     * @param batches batches completed
     */
    record Totals(long batches, long inputRows, long outputRows, long malformedRows, long lateRows) {
    }
}
