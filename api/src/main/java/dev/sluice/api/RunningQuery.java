package dev.sluice.api;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.stream.BatchProgress;
import dev.sluice.execution.stream.MicroBatchExecution;
import dev.sluice.execution.stream.Outage;
import dev.sluice.execution.stream.QueryObserver;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A continuous query running on its own thread: the {@link StreamingQuery} handle the api hands out, the
 * engine's observer, the listeners' event source and the query's JMX bean.
 */
final class RunningQuery implements StreamingQuery, QueryObserver, StreamingQueryMXBean {
    private static final Logger LOG = LoggerFactory.getLogger(RunningQuery.class);
    private static final int RECENT_PROGRESS = 100;
    private static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofMinutes(5);

    private final String id;
    private final String name;
    private final String sql;
    private final String trigger;
    private final String outputMode;
    /**
     * EXPLAIN's text, made when first asked for (SHOW QUERIES, the status page, JMX) rather than on the query's start,
     * where it took 20-30 ms of a fresh JVM's first query.
     */
    private final Supplier<String> explain;
    private volatile String explained;
    private final String owner;
    private final Supplier<List<StreamingQueryListener>> listeners;
    private final Consumer<RunningQuery> onEnd;
    private final Deque<QueryProgress> recent = new ArrayDeque<>();
    private final AtomicLong totalInputRows = new AtomicLong();
    private final AtomicLong totalMalformedRows = new AtomicLong();
    private volatile Thread thread;
    private volatile MicroBatchExecution execution;
    private volatile SluiceException failure;
    private volatile String status = "starting";
    private volatile ObjectName jmxName;

    RunningQuery(String id, String name, String sql, String owner, String trigger, String outputMode, Supplier<String> explain,
                 Supplier<List<StreamingQueryListener>> listeners, Consumer<RunningQuery> onEnd) {
        this.id = requireNonNull(id, "id is null");
        this.name = requireNonNull(name, "name is null");
        this.sql = requireNonNull(sql, "sql is null");
        this.owner = requireNonNull(owner, "owner is null");
        this.trigger = requireNonNull(trigger, "trigger is null");
        this.outputMode = requireNonNull(outputMode, "outputMode is null");
        this.explain = requireNonNull(explain, "explain is null");
        this.listeners = requireNonNull(listeners, "listeners is null");
        this.onEnd = requireNonNull(onEnd, "onEnd is null");
    }

    void start(MicroBatchExecution execution) {
        this.execution = execution;
        Thread t = new Thread(execution, "sluice-query-" + name);
        t.setDaemon(true);
        this.thread = t;
        registerJmx();
        each(l -> l.onQueryStarted(this));
        status = "waiting for the first trigger";
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
    public String owner() {
        return owner;
    }

    @Override
    public String sql() {
        return sql;
    }

    @Override
    public String trigger() {
        return trigger;
    }

    @Override
    public String outputMode() {
        return outputMode;
    }

    @Override
    public String explain() {
        String text = explained;
        if (text == null) {
            text = explain.get();
            explained = text;  // made twice at worst, the same text
        }
        return text;
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
            throw new SluiceException(f.type(), f.getMessage(), f);  // thrown again here, of the same kind
        }
    }

    @Override
    public void stop() {
        stop(DEFAULT_STOP_TIMEOUT);
    }

    @Override
    public boolean stop(Duration timeout) {
        MicroBatchExecution e = execution;
        if (e != null) {
            e.requestStop();
        }
        try {
            thread.join(Math.max(1, timeout.toMillis()));
            if (!thread.isAlive()) {
                return true;
            }
            LOG.warn("Query {} did not stop within {}; stopping by force (its running batch re-runs on restart)",
                    name, timeout);
            thread.interrupt();
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    @Override
    public String status() {
        return status;
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
    public void onBatchSubmitted(long batchId) {
        each(l -> l.onBatchSubmitted(this, batchId));
    }

    @Override
    public void onBatchStarted(long batchId) {
        status = "running batch " + batchId;
        each(l -> l.onBatchStarted(this, batchId));
    }

    @Override
    public void onBatchCompleted(BatchProgress p) {
        QueryProgress progress = new QueryProgress(p.queryName(), p.batchId(), p.timestamp(), p.startOffsets(),
                p.endOffsets(), p.lag(), p.inputRows(), p.outputRows(), p.malformedRows(), p.lateRows(), p.watermarkMillis(),
                p.inputRowsPerSecond(), p.processedRowsPerSecond(), p.schedulingDelayMillis(),
                p.processingTimeMillis(), p.durationMillis(), p.stateRows(), p.stateBytes(), p.rateLimit(), p.dataLoss(),
                p.stateOperators().stream().map(o -> new QueryProgress.OperatorState(o.operator(), o.rows(), o.bytes(),
                        o.lateRows()))
                        .toList());
        synchronized (this) {
            recent.addLast(progress);
            while (recent.size() > RECENT_PROGRESS) {
                recent.removeFirst();
            }
        }
        totalInputRows.addAndGet(p.inputRows());
        totalMalformedRows.addAndGet(p.malformedRows());
        status = "waiting for the next trigger";
        each(l -> l.onBatchCompleted(this, progress));
    }

    @Override
    public void onOutage(Outage outage) {
        String waiting = outage.describe();
        status = waiting;
        each(l -> l.onQueryWaiting(this, waiting));
    }

    @Override
    public void onOutageOver(Outage outage) {
        if (status.equals(outage.describe())) {  // not yet replaced by the batch that went through
            status = "running (" + outage.unreachable() + " answers again)";
        }
    }

    @Override
    public void onTerminated(Throwable error) {
        if (error != null) {
            failure = Errors.toSluiceException(error);
            status = "failed: " + failure.getMessage();
        } else {
            status = "stopped";
        }
        unregisterJmx();
        onEnd.accept(this);
        each(l -> l.onQueryTerminated(this, Optional.ofNullable(failure)));
    }

    private void each(Consumer<StreamingQueryListener> event) {
        for (StreamingQueryListener l : listeners.get()) {
            try {
                event.accept(l);
            } catch (RuntimeException e) {
                LOG.warn("Listener {} failed", l, e);
            }
        }
    }

    private void registerJmx() {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            ObjectName objectName = ObjectName.getInstance("dev.sluice:type=StreamingQuery,name=" + ObjectName.quote(name));
            server.registerMBean(new javax.management.StandardMBean(this, StreamingQueryMXBean.class, true), objectName);
            jmxName = objectName;
        } catch (JMException e) {
            LOG.warn("Query {} is not visible over JMX: {}", name, e.getMessage());
        }
    }

    private void unregisterJmx() {
        ObjectName n = jmxName;
        if (n != null) {
            try {
                ManagementFactory.getPlatformMBeanServer().unregisterMBean(n);
            } catch (JMException e) {
                LOG.debug("Unregistering {} failed", n, e);
            }
        }
    }

    // StreamingQueryMXBean: the last batch's numbers.

    @Override
    public String getStatus() {
        return status;
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public String getId() {
        return id;
    }

    private long last(java.util.function.ToLongFunction<QueryProgress> f) {
        return lastProgress().map(f::applyAsLong).orElse(0L);
    }

    @Override
    public long getLastBatchId() {
        return lastProgress().map(QueryProgress::batchId).orElse(-1L);
    }

    @Override
    public long getInputRows() {
        return last(QueryProgress::inputRows);
    }

    @Override
    public double getInputRowsPerSecond() {
        return lastProgress().map(QueryProgress::inputRowsPerSecond).orElse(0.0);
    }

    @Override
    public double getProcessedRowsPerSecond() {
        return lastProgress().map(QueryProgress::processedRowsPerSecond).orElse(0.0);
    }

    @Override
    public long getSchedulingDelayMillis() {
        return last(QueryProgress::schedulingDelayMillis);
    }

    @Override
    public long getProcessingTimeMillis() {
        return last(QueryProgress::processingTimeMillis);
    }

    @Override
    public long getTotalDelayMillis() {
        return last(QueryProgress::totalDelayMillis);
    }

    @Override
    public long getLag() {
        return last(QueryProgress::totalLag);
    }

    @Override
    public long getTotalInputRows() {
        return totalInputRows.get();
    }

    @Override
    public long getTotalMalformedRows() {
        return totalMalformedRows.get();
    }
}
