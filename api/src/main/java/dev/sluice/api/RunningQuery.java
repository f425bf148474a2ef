package dev.sluice.api;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.stream.BatchProgress;
import dev.sluice.execution.stream.MicroBatchExecution;
import dev.sluice.execution.stream.QueryObserver;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** A continuous query running on its own thread; the {@link StreamingQuery} handle the api hands out. */
final class RunningQuery implements StreamingQuery, QueryObserver {
    private static final int RECENT_PROGRESS = 100;

    private final String id;
    private final String name;
    private final String sql;
    private final Consumer<RunningQuery> onEnd;
    private final Deque<QueryProgress> recent = new ArrayDeque<>();
    private volatile Thread thread;
    private volatile MicroBatchExecution execution;
    private volatile SluiceException failure;

    RunningQuery(String id, String name, String sql, Consumer<RunningQuery> onEnd) {
        this.id = requireNonNull(id, "id is null");
        this.name = requireNonNull(name, "name is null");
        this.sql = requireNonNull(sql, "sql is null");
        this.onEnd = requireNonNull(onEnd, "onEnd is null");
    }

    void start(MicroBatchExecution execution) {
        this.execution = execution;
        Thread t = new Thread(execution, "sluice-query-" + name);
        t.setDaemon(true);
        this.thread = t;
        t.start();
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String sql() {
        return sql;
    }

    @Override
    public boolean isActive() {
        Thread t = thread;
        return t != null && t.isAlive();
    }

    @Override
    public void awaitTermination() throws InterruptedException {
        thread.join();
        throwIfFailed();
    }

    @Override
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        thread.join(Math.max(1, timeout.toMillis()));
        if (thread.isAlive()) {
            return false;
        }
        throwIfFailed();
        return true;
    }

    private void throwIfFailed() {
        SluiceException f = failure;
        if (f != null) {
            throw new SluiceException(f.getMessage(), f);
        }
    }

    @Override
    public void stop() {
        MicroBatchExecution e = execution;
        if (e != null) {
            e.requestStop();
        }
        try {
            thread.join(TimeUnit.MINUTES.toMillis(5));
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public synchronized Optional<QueryProgress> lastProgress() {
        return Optional.ofNullable(recent.peekLast());
    }

    @Override
    public synchronized List<QueryProgress> recentProgress() {
        return List.copyOf(recent);
    }

    @Override
    public Optional<SluiceException> exception() {
        return Optional.ofNullable(failure);
    }

    @Override
    public void onBatchCompleted(BatchProgress p) {
        QueryProgress progress = new QueryProgress(p.queryName(), p.batchId(), p.timestamp(), p.startOffsets(),
                p.endOffsets(), p.inputRows(), p.outputRows(), p.malformedRows(), p.durationMillis(),
                p.inputRowsPerSecond());
        synchronized (this) {
            recent.addLast(progress);
            while (recent.size() > RECENT_PROGRESS) {
                recent.removeFirst();
            }
        }
    }

    @Override
    public void onTerminated(Throwable error) {
        if (error != null) {
            failure = Errors.toSluiceException(error);
        }
        onEnd.accept(this);
    }
}
