package dev.sluice.execution.stream;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.aggregate.OutputMode;
import dev.sluice.execution.checkpoint.BatchOffsets;
import dev.sluice.execution.checkpoint.Checkpoint;
import dev.sluice.execution.checkpoint.CommitRecord;
import dev.sluice.execution.checkpoint.PartitionEventTime;
import dev.sluice.execution.error.EngineException;
import dev.sluice.execution.flow.AvailableNowBatchSize;
import dev.sluice.execution.flow.FlowControlOptions;
import dev.sluice.execution.flow.PidRateEstimator;
import dev.sluice.execution.plan.PhysicalNode;
import dev.sluice.execution.sink.BatchWriter;
import dev.sluice.execution.sink.StreamSink;
import dev.sluice.execution.source.OffsetRange;
import dev.sluice.execution.source.SourcePartition;
import dev.sluice.execution.source.StreamSource;
import dev.sluice.execution.changelog.ChangelogMode;
import dev.sluice.execution.state.StateStore;
import dev.sluice.execution.state.StateStoreProvider;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.OutOfMemoryException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The micro-batch loop of one continuous query, run on the query's own thread.
 *
 * <p>Lifecycle of a batch: plan offsets (within the rate limits) &gt; write them to the offset log &gt;
 * run the tasks &gt; hand the output to the sink &gt; write the commit marker &gt; report progress; the offset
 * log is written on a thread of its own while the tasks run, and the sink gets the output only once it is
 * written. On
 * start, a batch that was logged but not committed (the previous run crashed in between) is re-run first
 * with exactly its logged offsets and watermark; committed batches are never re-run. Together with a sink that ignores
 * a batch id it already took, this gives exactly-once output. If offsets the logged batch needs were
 * deleted meanwhile, it fails, or with {@code failOnDataLoss = false} re-runs over what is left, after
 * logging the adjusted ranges in place of the old ones ({@link OffsetPlanner#recover}).
 *
 * <p>No-data batches (as Spark's): when the plan has something to do with the watermark alone (windows
 * and sessions close, a stream join evicts; {@link IncrementalPlan#usesWatermark()}) and the watermark computed
 * after the last batch is ahead of the one that batch ran with, a batch runs even without new input, with
 * every range empty, logged and committed like any other. It runs once per advance of the watermark (it
 * reads no rows, so it does not move the watermark itself). {@code once} and {@code available-now} end
 * with it; a processing-time query whose input stopped runs it at its next trigger. The watermark's
 * per-partition maxima go into each commit record, so that a restarted query computes the watermarks an
 * uninterrupted one would.
 *
 * <p>Outages: planning or running a batch that fails because a source or the sink can't be reached is
 * retried with backoff, the same batch again, up to the {@code outageTimeout} ({@link OutageRetry}).
 *
 * <p>Flow control ({@link FlowControlOptions}): manual caps ({@code maxOffsetsPerTrigger},
 * {@code maxRatePerPartition}), a minimum batch size with a maximum delay, and backpressure: a
 * {@link PidRateEstimator} sets the next batch's rate from the processing rate and scheduling delay of
 * the last one, never above the caps. An available-now query without {@code maxOffsetsPerTrigger} reads at
 * most {@code availableNow.maxOffsetsPerTrigger} records per batch, so a backlog of any size runs in batches of
 * bounded memory; each batch's Arrow memory is bounded by {@code maxBatchMemory}, and a batch that needs more
 * fails naming it rather than the process running out of memory.
 *
 * <p>Stopping: {@link #requestStop()} lets the running batch commit, then ends the loop; interrupting
 * the thread abandons the running batch, which is re-run after a restart. This object owns the sources
 * and the sink it is given and closes them when the loop ends.
 */
public final class MicroBatchExecution implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(MicroBatchExecution.class);
    /** Offset and commit log entries kept; older ones are purged. */
    private static final int RETAINED_BATCHES = 100;

    private final String queryName;
    private final Map<String, StreamSource> sources;
    private final StreamSink sink;
    private final Checkpoint checkpoint;
    private final Trigger trigger;
    private final FlowControlOptions flow;
    private final BufferAllocator allocator;
    private final QueryObserver observer;
    private final BatchRunner runner;
    private final OffsetPlanner offsets;
    private final OutageRetry retry;
    private final Optional<PidRateEstimator> backpressure;
    /** The tables every batch reads whole (static tables), batches without new input included. */
    private final java.util.Set<String> staticTables;
    /** Whether the result deletes rows: then the sink takes changes rather than rows. */
    private final boolean updatesRows;
    /** Whether each batch's rows are the whole result ({@code complete} mode), which a table-like sink replaces. */
    private final boolean completeResult;
    /** Whether each batch's rows go to the sink as they come ({@link StreamSink#writesRowsAsTheyCome}). */
    private final boolean streamsToSink;
    /** The keyed state of each stateful operator, by operator id. */
    private final Map<String, StateStoreProvider> states;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    /**
     * Writes the offset log on a thread of its own while the batch runs ({@link #logAndRun}); one thread, so that
     * writes are done in the order they were asked for.
     */
    private final ExecutorService checkpointWriter;

    /** Watermark delay per watermarked source table. */
    private final Map<String, Long> watermarkDelays;
    /** Whether a batch without new input runs when the watermark moves (see the class comment). */
    private final boolean noDataBatches;
    /**
     * The largest event time seen per partition of each watermarked table, as of the last committed batch
     * (and in its commit record); driver thread only, replaced whole after each batch.
     */
    private Map<String, Map<SourcePartition, Long>> maxEventTimes = Map.of();
    /** The watermark the next batch runs with; never decreases. */
    private long watermark = BatchOffsets.NO_WATERMARK;
    /** The watermark the last batch run ran with. */
    private long lastBatchWatermark = BatchOffsets.NO_WATERMARK;
    /** Records per second backpressure allows; driver thread only. */
    private double rateLimit;
    /** What the next batch of an available-now query reads per source table without maxOffsetsPerTrigger. */
    private final AvailableNowBatchSize availableNowSize;
    private long previousStartMillis = -1;
    private long lastBatchEndMillis = System.currentTimeMillis();

    public MicroBatchExecution(String queryName, PhysicalNode plan, OutputMode outputMode,
                               Map<String, StreamSource> sources, StreamSink sink, Checkpoint checkpoint,
                               Trigger trigger, FlowControlOptions flow, ExecutorService taskPool,
                               BufferAllocator allocator, QueryObserver observer) {
        this(queryName, IncrementalPlan.of(plan, outputMode), sources, sink, checkpoint, trigger, flow, taskPool, allocator,
                observer);
    }

    /**
     * As the other constructor, with the query's incremental plan already compiled (the planner keeps it; compiling
     * it again would only cost start-up time).
     */
    public MicroBatchExecution(String queryName, IncrementalPlan batchPlan, Map<String, StreamSource> sources,
                               StreamSink sink, Checkpoint checkpoint, Trigger trigger, FlowControlOptions flow,
                               ExecutorService taskPool, BufferAllocator allocator, QueryObserver observer) {
        requireNonNull(batchPlan, "batchPlan is null");
        this.queryName = requireNonNull(queryName, "queryName is null");
        this.sources = Map.copyOf(sources);
        this.sink = requireNonNull(sink, "sink is null");
        this.checkpoint = requireNonNull(checkpoint, "checkpoint is null");
        this.trigger = requireNonNull(trigger, "trigger is null");
        this.flow = requireNonNull(flow, "flow is null");
        this.allocator = requireNonNull(allocator, "allocator is null");
        this.observer = requireNonNull(observer, "observer is null");
        this.updatesRows = batchPlan.resultChangelogMode().kind() == ChangelogMode.Kind.RETRACT;
        this.completeResult = !updatesRows && batchPlan.mode() == OutputMode.COMPLETE;
        this.streamsToSink = batchPlan.streamsRows() && sink.writesRowsAsTheyCome();
        if (updatesRows && !sink.takesChanges()) {
            // The one check of it (the api's launcher relies on it): the changelog mode here is the plan's own.
            throw EngineException.userError("Query '" + queryName + "': the query's result updates and deletes rows "
                    + "it emitted before (" + batchPlan.resultChangelogMode() + ": a Top-N or an aggregate over "
                    + "updated rows), and " + sink + " takes inserts only"
                    + sink.howToTakeChanges().map(how -> ": " + how + ";").orElse(";")
                    + " or write it to a memory table, or SELECT STREAM it");
        }
        Map<String, Long> delays = new TreeMap<>();
        batchPlan.taskStages().forEach(stage -> stage.pipelines().forEach(p -> p.scan().table().watermark()
                .ifPresent(w -> delays.put(p.scan().table().name(), w.delayMillis()))));
        this.watermarkDelays = Map.copyOf(delays);
        this.noDataBatches = batchPlan.usesWatermark() && !watermarkDelays.isEmpty();
        this.runner = new BatchRunner(batchPlan, sources, taskPool);
        // Opening checks that the state on file was written for the same keys and aggregates.
        Map<String, StateStoreProvider> providers = new java.util.LinkedHashMap<>();
        for (dev.sluice.execution.state.StateSpec s : batchPlan.states()) {
            providers.put(s.operatorId(), StateStoreProvider.open(checkpoint.location(), s.operatorId(), s.keySchema(),
                    s.valueSchema()));
        }
        this.states = java.util.Collections.unmodifiableMap(providers);
        this.staticTables = batchPlan.lookupTables();
        this.offsets = new OffsetPlanner(sources, staticTables);
        this.retry = new OutageRetry(queryName, flow.outageTimeout(), this::unreachable, observer, stopRequested);
        this.backpressure = flow.backpressureEnabled() && trigger.kind() == Trigger.Kind.PROCESSING_TIME
                ? Optional.of(PidRateEstimator.withDefaults(Math.max(1, trigger.interval().toMillis())))
                : Optional.empty();
        this.rateLimit = flow.backpressureEnabled() ? flow.backpressureInitialRate() : Long.MAX_VALUE;
        // A batch whose rows go to the sink as they come holds the rows in flight whatever its size: nothing to
        // learn before reading a backlog in batches of the most records.
        this.availableNowSize = streamsToSink
                ? AvailableNowBatchSize.ofMax(flow.availableNowMaxOffsetsPerTrigger())
                : new AvailableNowBatchSize(flow.availableNowMaxOffsetsPerTrigger(),
                        Math.max(1, Math.min(flow.availableNowBatchMemoryTarget(), flow.maxBatchMemoryBytes() / 2)));
        this.checkpointWriter = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "sluice-checkpoint-" + queryName);
            t.setDaemon(true);
            return t;
        });
    }

    /** Asks the loop to stop after the running batch is committed. Returns at once. */
    public void requestStop() {
        stopRequested.countDown();
    }

    @Override
    public void run() {
        Throwable failure = null;
        try {
            loop();
        } catch (InterruptedException e) {
            LOG.info("Query {} interrupted; an uncommitted batch will be re-run on restart", queryName);
            Thread.currentThread().interrupt();
        } catch (OutageRetry.StoppedWhileWaiting e) {
            LOG.info("{}; an uncommitted batch will be re-run on restart", e.getMessage());
        } catch (Throwable t) {
            LOG.error("Query {} failed", queryName, t);
            failure = t;
        } finally {
            closeQuietly();
        }
        try {
            observer.onTerminated(failure);
        } catch (RuntimeException e) {
            LOG.warn("Query observer failed", e);
        }
    }

    private void loop() throws Exception {
        long nextBatchId = 0;
        Optional<Long> lastCommitted = checkpoint.lastCommittedBatch();
        if (lastCommitted.isPresent()) {
            BatchOffsets committed = checkpoint.offsetLog().get(lastCommitted.get()).orElseThrow(() ->
                    new IllegalStateException("Checkpoint " + checkpoint.root() + " has a commit for batch "
                            + lastCommitted.get() + " but no offsets for it"));
            offsets.resumeAfter(committed.sources(), committed.topicIds());
            nextBatchId = lastCommitted.get() + 1;
            Optional<CommitRecord> commit = checkpoint.commitLog().get(lastCommitted.get());
            watermark = commit.map(CommitRecord::watermarkMillis).orElse(BatchOffsets.NO_WATERMARK);
            maxEventTimes = commit.map(c -> maxEventTimesOf(c.maxEventTimes())).orElse(Map.of());
            lastBatchWatermark = committed.watermarkMillis();
        }
        Optional<BatchOffsets> pending = checkpoint.pendingBatch();
        if (pending.isPresent()) {
            PlannedBatch rerun = rerunPendingBatch(pending.get());
            nextBatchId = pending.get().batchId() + 1;
            if (trigger.kind() == Trigger.Kind.ONCE) {
                if (noDataBatchDue()) {
                    logAndRun(nextBatchId, rerun.withoutNewData(true, staticTables), System.currentTimeMillis(), 0, 0);
                }
                return;
            }
        }
        Optional<Map<String, Map<SourcePartition, Long>>> end = trigger.kind() == Trigger.Kind.AVAILABLE_NOW
                ? Optional.of(retry.call("listing the latest offsets", offsets::latest)) : Optional.empty();
        long dueMillis = System.currentTimeMillis();
        while (stopRequested.getCount() > 0) {
            long startMillis = System.currentTimeMillis();
            long started = System.nanoTime();
            long batchId = nextBatchId;
            PlannedBatch batch = retry.call("planning batch " + batchId,
                    () -> offsets.next(end, maxPerSource(), maxPerPartition(), flow.failOnDataLoss()));
            long planMillis = (System.nanoTime() - started) / 1_000_000;
            boolean run = !batch.isEmpty() && (batch.records() >= flow.minOffsetsPerTrigger()
                    || startMillis - lastBatchEndMillis >= flow.maxTriggerDelay().toMillis()
                    || trigger.kind() != Trigger.Kind.PROCESSING_TIME);
            if (run) {
                logAndRun(nextBatchId, batch, startMillis, Math.max(0, startMillis - dueMillis), planMillis);
                nextBatchId++;
            }
            boolean last = trigger.kind() == Trigger.Kind.ONCE
                    || (trigger.kind() == Trigger.Kind.AVAILABLE_NOW && batch.isEmpty());
            // Without new input to run (or after once's only batch), the watermark that moved is applied by a
            // batch of its own: no range of it reads anything, so it can't move the watermark again.
            if ((!run || trigger.kind() == Trigger.Kind.ONCE) && noDataBatchDue()) {
                LOG.debug("Query {}: batch {} runs without new input to apply the watermark {} (the last batch ran "
                        + "with {})", queryName, nextBatchId, watermark, lastBatchWatermark);
                logAndRun(nextBatchId, batch.withoutNewData(run, staticTables), System.currentTimeMillis(),
                        Math.max(0, startMillis - dueMillis), run ? 0 : planMillis);
                nextBatchId++;
            }
            if (last) {
                return;
            }
            if (trigger.kind() == Trigger.Kind.PROCESSING_TIME) {
                // The next batch is due one interval after this one started; an overrun batch is followed
                // at once by the next (never by a queue of batches), and its lateness is the scheduling delay.
                dueMillis = startMillis + trigger.interval().toMillis();
                long waitMillis = dueMillis - System.currentTimeMillis();
                if (waitMillis > 0 && stopRequested.await(waitMillis, TimeUnit.MILLISECONDS)) {
                    return;
                }
            } else {
                dueMillis = System.currentTimeMillis();
            }
        }
    }

    /** Whether the watermark moved since the last batch ran and the plan has something to do with it. */
    private boolean noDataBatchDue() {
        return noDataBatches && watermark > lastBatchWatermark;
    }

    /**
     * Writes the batch to the offset log, with the watermark it runs with, and runs it to its commit. The write
     * runs on the checkpoint writer thread while the batch's tasks read and process its ranges, and the batch
     * waits for it before the sink gets its output: the offsets are logged before anything of the batch leaves
     * the query, as before, without the write's file system round trips in each batch's latency.
     */
    private void logAndRun(long batchId, PlannedBatch batch, long startMillis, long schedulingDelayMillis,
                           long planMillis) throws Exception {
        BatchOffsets logged = new BatchOffsets(batchId, startMillis, batch.ranges(), watermark, batch.topicIds());
        Future<Long> write = checkpointWriter.submit(() -> {
            long started = System.nanoTime();
            if (!checkpoint.offsetLog().add(batchId, logged)) {
                throw new IllegalStateException("Batch " + batchId + " is already in the offset log of "
                        + checkpoint.root() + ": is another query using this checkpoint?");
            }
            return (System.nanoTime() - started) / 1_000_000;
        });
        runBatch(batchId, batch, logged.watermarkMillis(), logged.timestampMillis(), startMillis, schedulingDelayMillis,
                planMillis, new OffsetLogWrite(write, true));
    }

    /**
     * A batch's offset log write, under way or done; {@code report} tells whether {@code onBatchSubmitted} is still to
     * be reported for it (once, when it is first seen written; not for a batch re-run from the log).
     */
    private static final class OffsetLogWrite {
        private final Future<Long> write;
        private boolean report;

        OffsetLogWrite(Future<Long> write, boolean report) {
            this.write = write;
            this.report = report;
        }
    }

    /** Waits until the batch's offsets are logged; returns how long the write took. */
    private long awaitLogged(long batchId, OffsetLogWrite logging) throws Exception {
        long millis;
        try {
            millis = logging.write.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
        if (logging.report) {
            logging.report = false;
            notify(() -> observer.onBatchSubmitted(batchId));
        }
        return millis;
    }

    /**
     * Re-runs the batch that was logged but not committed, with its logged offsets and watermark, the offsets
     * adjusted (and logged again) only where offsets it needs no longer exist and {@code failOnDataLoss} is
     * off. Returns the batch as re-run.
     */
    private PlannedBatch rerunPendingBatch(BatchOffsets pending) throws Exception {
        long batchId = pending.batchId();
        LOG.info("Query {}: re-running batch {} that was logged but not committed", queryName, batchId);
        long started = System.nanoTime();
        PlannedBatch batch = retry.call("checking the offsets of batch " + batchId,
                () -> offsets.recover(pending, flow.failOnDataLoss()));
        if (!batch.ranges().equals(pending.sources()) || !batch.topicIds().equals(pending.topicIds())) {
            // Logged again so that a crash during the re-run replays these ranges, not the lost ones.
            checkpoint.offsetLog().replace(batchId, new BatchOffsets(batchId, pending.timestampMillis(), batch.ranges(),
                    pending.watermarkMillis(), batch.topicIds()));
            LOG.warn("Query {}: batch {} re-runs over the offsets left: {} (logged before: {})", queryName, batchId,
                    batch.ranges(), pending.sources());
        }
        long planMillis = (System.nanoTime() - started) / 1_000_000;
        // The logged watermark: the re-run drops the same late rows, and closes the same windows.
        runBatch(batchId, batch, pending.watermarkMillis(), pending.timestampMillis(), System.currentTimeMillis(), 0,
                planMillis, new OffsetLogWrite(CompletableFuture.completedFuture(0L), false));
        return batch;
    }

    /** What can't be reached, if {@code failure} means that a source or the sink is unreachable for now. */
    private Optional<String> unreachable(Throwable failure) {
        for (StreamSource source : sources.values()) {
            Optional<String> what = source.unreachable(failure);
            if (what.isPresent()) {
                return what;
            }
        }
        return sink.unreachable(failure);
    }

    /** Records a batch may read per source table: the manual cap and backpressure's rate, whichever is lower. */
    private long maxPerSource() {
        if (trigger.kind() == Trigger.Kind.ONCE) {
            return Long.MAX_VALUE;  // as in Spark: one batch with everything
        }
        // Available-now reads a backlog of any size: in batches of bounded size (sized to their memory) unless told
        // otherwise.
        long cap = flow.maxOffsetsPerTrigger().orElse(trigger.kind() == Trigger.Kind.AVAILABLE_NOW
                ? availableNowSize.next() : Long.MAX_VALUE);
        if (backpressure.isPresent() && rateLimit < Long.MAX_VALUE) {
            cap = Math.min(cap, Math.max(1, (long) (rateLimit * intervalSeconds())));
        }
        return cap;
    }

    private long maxPerPartition() {
        if (flow.maxRatePerPartition().isEmpty() || trigger.kind() != Trigger.Kind.PROCESSING_TIME) {
            return Long.MAX_VALUE;
        }
        return Math.max(1, (long) (flow.maxRatePerPartition().getAsLong() * intervalSeconds()));
    }

    private double intervalSeconds() {
        return Math.max(1, trigger.interval().toMillis()) / 1000.0;
    }

    /** Runs a logged batch to its commit, again while a source or the sink can't be reached. */
    private void runBatch(long batchId, PlannedBatch batch, long batchWatermark, long loggedMillis, long startMillis,
                          long schedulingDelayMillis, long planMillis, OffsetLogWrite logging) throws Exception {
        retry.call("running batch " + batchId, () -> {
            runBatchOnce(batchId, batch, batchWatermark, loggedMillis, startMillis, schedulingDelayMillis, planMillis,
                    logging);
            return null;
        });
    }

    private void runBatchOnce(long batchId, PlannedBatch batch, long batchWatermark, long loggedMillis, long startMillis,
                              long schedulingDelayMillis, long planMillis, OffsetLogWrite logging) throws Exception {
        notify(() -> observer.onBatchStarted(batchId));
        Instant timestamp = Instant.ofEpochMilli(startMillis);
        long t0 = System.nanoTime();
        Map<String, Long> durations = new LinkedHashMap<>();
        durations.put("planOffsets", planMillis);
        durations.put("offsetLog", 0L);  // the write's own time, once it is awaited below
        long outputRows;
        long inputRows;
        long malformed;
        long late;
        Map<String, Long> lateByOperator;
        Map<String, Map<SourcePartition, Long>> batchMaxEventTimes;
        long peakMemory;
        // State as of the previous batch: batch ids are consecutive, so a re-run batch sees what it saw.
        Map<String, StateStore> stores = new java.util.LinkedHashMap<>();
        states.forEach((id, provider) -> stores.put(id, provider.getStore(batchId - 1)));
        try (BufferAllocator batchAllocator = allocator.newChildAllocator("batch-" + batchId, 0,
                flow.maxBatchMemoryBytes());
             BatchWriter writer = streamsToSink ? sink.openBatch(batchId, runner.outputSchema()) : null;
             StreamedRows streamed = writer == null ? null
                     : new StreamedRows(writer, logging.write::isDone, () -> awaitLogged(batchId, logging))) {
            try (BatchOutput output = runner.run(batch.ranges(), batchAllocator, stores, batchId, batchWatermark,
                    loggedMillis, streamed)) {
                long processNanos = System.nanoTime() - t0;
                outputRows = streamed == null ? writeWhole(batchId, output, logging, processNanos, durations)
                        : commitStreamed(streamed, processNanos, durations);
                inputRows = output.inputRows();
                malformed = output.malformedRows();
                late = output.lateRows();
                lateByOperator = output.lateRowsByOperator();
                batchMaxEventTimes = output.maxEventTimes();
                peakMemory = batchAllocator.getPeakMemoryAllocation();
            }
        } catch (Exception | Error e) {
            stores.values().forEach(StateStore::abort);
            Optional<OutOfMemoryException> overBudget = causeOfType(e, OutOfMemoryException.class);
            if (overBudget.isPresent()) {
                long limit = flow.maxBatchMemoryBytes();
                throw new IllegalStateException("Batch " + batchId + " of query '" + queryName + "' needs more than "
                        + (limit >= 1 << 20 ? (limit >> 20) + " MB" : limit + " bytes") + " of Arrow memory (option '"
                        + FlowControlOptions.MAX_BATCH_MEMORY + "'): lower '" + FlowControlOptions.MAX_OFFSETS_PER_TRIGGER
                        + "' (or '" + FlowControlOptions.AVAILABLE_NOW_MAX_OFFSETS_PER_TRIGGER + "') so that batches are "
                        + "smaller, or raise '" + FlowControlOptions.MAX_BATCH_MEMORY + "'", e);
            }
            throw e;
        }
        long t3 = System.nanoTime();
        // The state of batch N is durable before its commit marker: a crash in between re-runs batch N
        // from the state of N - 1, which the store still has.
        stores.values().forEach(s -> s.commit(batchId));
        List<BatchProgress.OperatorState> operatorStates = new java.util.ArrayList<>();
        stores.forEach((id, s) -> operatorStates.add(new BatchProgress.OperatorState(id, s.metrics().rows(),
                s.metrics().bytesEstimate(), lateByOperator.getOrDefault(id, 0L))));
        long stateRows = operatorStates.stream().mapToLong(BatchProgress.OperatorState::rows).sum();
        long stateBytes = operatorStates.stream().mapToLong(BatchProgress.OperatorState::bytes).sum();
        // The watermark after this batch, and what it derives from, are committed with it: a restart goes on
        // from exactly there. A batch without input leaves both as they were.
        Map<String, Map<SourcePartition, Long>> nextMaxEventTimes = mergeMaxEventTimes(batchMaxEventTimes);
        long nextWatermark = nextWatermark(batchMaxEventTimes, nextMaxEventTimes);
        checkpoint.commitLog().add(batchId, new CommitRecord(batchId, System.currentTimeMillis(), outputRows,
                nextWatermark, maxEventTimesRecord(nextMaxEventTimes)));
        maxEventTimes = nextMaxEventTimes;
        watermark = nextWatermark;
        lastBatchWatermark = batchWatermark;
        offsets.resumeAfter(batch.ranges(), batch.topicIds());
        batch.ranges().forEach((table, ranges) -> batchCommitted(table, batchId, ranges));
        if (batchId >= RETAINED_BATCHES) {
            // Entries no run reads again: deleted on the checkpoint writer thread, not in the next batch's way.
            long purgeBefore = batchId - RETAINED_BATCHES;
            checkpointWriter.execute(() -> {
                try {
                    checkpoint.offsetLog().purgeBefore(purgeBefore);
                    checkpoint.commitLog().purgeBefore(purgeBefore);
                } catch (RuntimeException e) {
                    LOG.warn("Query {}: purging the checkpoint's entries before batch {} failed (tried again after the "
                            + "next batch)", queryName, purgeBefore, e);
                }
            });
        }
        long t4 = System.nanoTime();
        durations.put("commit", (t4 - t3) / 1_000_000);
        durations.put("outage", retry.takeWaitedMillis());
        long processingMillis = planMillis + (t4 - t0) / 1_000_000;
        lastBatchEndMillis = System.currentTimeMillis();
        double limitUsed = backpressure.isPresent() && rateLimit < Long.MAX_VALUE ? rateLimit : -1;
        availableNowSize.observe(inputRows, peakMemory);
        if (backpressure.isPresent()) {
            OptionalDouble rate = backpressure.get().compute(lastBatchEndMillis, inputRows, Math.max(1, processingMillis),
                    schedulingDelayMillis);
            if (rate.isPresent()) {
                rateLimit = rate.getAsDouble();
            }
        }
        long sinceLastStart = previousStartMillis < 0 ? processingMillis : startMillis - previousStartMillis;
        previousStartMillis = startMillis;
        BatchProgress progress = new BatchProgress(queryName, batchId, timestamp, offsetsOf(batch.ranges(), true),
                offsetsOf(batch.ranges(), false), batch.lag(), inputRows, outputRows, malformed, late, batchWatermark,
                perSecond(inputRows, sinceLastStart), perSecond(inputRows, processingMillis), schedulingDelayMillis,
                processingMillis, durations, stateRows, stateBytes, limitUsed, batch.dataLoss(), operatorStates);
        for (String gap : batch.dataLoss()) {
            LOG.warn("Query {} batch {}: data loss: {}", queryName, batchId, gap);
        }
        LOG.debug("Query {} batch {}: {} rows in, {} out, {} malformed, {} ms, peak Arrow memory {} KB", queryName,
                batchId, inputRows, outputRows, malformed, processingMillis, peakMemory >> 10);
        notify(() -> observer.onBatchCompleted(progress));
    }

    /**
     * Gives the sink the batch's whole output, once its offsets are logged (nothing of a batch reaches the sink
     * before); returns the rows written.
     */
    private long writeWhole(long batchId, BatchOutput output, OffsetLogWrite logging, long processNanos,
                            Map<String, Long> durations) throws Exception {
        durations.put("process", processNanos / 1_000_000);
        durations.put("offsetLog", awaitLogged(batchId, logging));
        long t0 = System.nanoTime();
        if (updatesRows) {
            sink.addChanges(batchId, output.schema(), output.changes());
        } else if (completeResult) {
            sink.addCompleteResult(batchId, output.schema(), output.batches());
        } else {
            sink.addBatch(batchId, output.schema(), output.batches());
        }
        durations.put("sink", (System.nanoTime() - t0) / 1_000_000);
        return output.outputRows();
    }

    /**
     * Commits a batch whose rows went to the sink as they came (the tasks' time in its writer counted as the
     * sink's, not as processing); returns the rows written.
     */
    private static long commitStreamed(StreamedRows streamed, long processNanos, Map<String, Long> durations)
            throws Exception {
        durations.put("process", Math.max(0, processNanos / 1_000_000 - streamed.sinkMillis()));
        streamed.commit();
        durations.put("offsetLog", streamed.logMillis());
        durations.put("sink", streamed.sinkMillis());
        return streamed.rows();
    }

    /** The first of {@code t} and its causes that is a {@code type}. */
    private static <T extends Throwable> Optional<T> causeOfType(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return Optional.of(type.cast(c));
            }
        }
        return Optional.empty();
    }

    /** The largest event time per partition of each watermarked table, with this batch's. */
    private Map<String, Map<SourcePartition, Long>> mergeMaxEventTimes(Map<String, Map<SourcePartition, Long>> batchMax) {
        Map<String, Map<SourcePartition, Long>> merged = new HashMap<>();
        maxEventTimes.forEach((table, max) -> merged.put(table, new HashMap<>(max)));
        for (String table : watermarkDelays.keySet()) {
            batchMax.getOrDefault(table, Map.of()).forEach((partition, max) ->
                    merged.computeIfAbsent(table, t -> new HashMap<>()).merge(partition, max, Math::max));
        }
        return merged;
    }

    /**
     * The watermark rule: per watermarked table, the smallest of the largest event times (ever, in
     * {@code max}) of the partitions that had data in this batch ({@code batchMax}), minus the table's
     * delay; over several tables, the smallest of those. Partitions without data in the batch are idle and
     * do not hold the watermark back. It never goes back.
     */
    private long nextWatermark(Map<String, Map<SourcePartition, Long>> batchMax,
                               Map<String, Map<SourcePartition, Long>> max) {
        long candidate = Long.MAX_VALUE;
        for (Map.Entry<String, Long> table : watermarkDelays.entrySet()) {
            Map<SourcePartition, Long> seen = batchMax.getOrDefault(table.getKey(), Map.of());
            if (seen.isEmpty()) {
                continue;
            }
            long tableMin = Long.MAX_VALUE;
            for (SourcePartition partition : seen.keySet()) {
                tableMin = Math.min(tableMin, max.get(table.getKey()).get(partition));
            }
            candidate = Math.min(candidate, tableMin - table.getValue());
        }
        return candidate == Long.MAX_VALUE ? watermark : Math.max(watermark, candidate);
    }

    /** The maxima as the commit record keeps them: per table, in partition order. */
    private static Map<String, List<PartitionEventTime>> maxEventTimesRecord(Map<String, Map<SourcePartition, Long>> max) {
        Map<String, List<PartitionEventTime>> record = new TreeMap<>();
        max.forEach((table, partitions) -> {
            List<PartitionEventTime> times = new ArrayList<>();
            new TreeMap<>(partitions).forEach((p, millis) -> times.add(new PartitionEventTime(p, millis)));
            record.put(table, times);
        });
        return record;
    }

    private static Map<String, Map<SourcePartition, Long>> maxEventTimesOf(Map<String, List<PartitionEventTime>> record) {
        Map<String, Map<SourcePartition, Long>> max = new HashMap<>();
        record.forEach((table, times) -> times.forEach(t ->
                max.computeIfAbsent(table, k -> new HashMap<>()).put(t.partition(), t.maxEventTimeMillis())));
        return max;
    }

    private static double perSecond(long rows, long millis) {
        return millis <= 0 ? 0 : rows * 1000.0 / millis;
    }

    private void notify(Runnable event) {
        try {
            event.run();
        } catch (RuntimeException e) {
            LOG.warn("Query observer failed", e);
        }
    }

    private static Map<String, Map<String, Long>> offsetsOf(Map<String, List<OffsetRange>> ranges, boolean start) {
        Map<String, Map<String, Long>> result = new TreeMap<>();
        ranges.forEach((table, list) -> {
            Map<String, Long> m = new TreeMap<>();
            for (OffsetRange r : list) {
                m.put(r.partition().toString(), start ? r.fromOffset() : r.untilOffset());
            }
            result.put(table, m);
        });
        return result;
    }

    /** Tells a source that a batch is committed, with its end offsets; a failure there never fails the query. */
    private void batchCommitted(String table, long batchId, List<OffsetRange> ranges) {
        Map<SourcePartition, Long> endOffsets = new TreeMap<>();
        ranges.forEach(r -> endOffsets.put(r.partition(), r.untilOffset()));
        try {
            sources.get(table).onBatchCommitted(batchId, java.util.Collections.unmodifiableMap(endOffsets));
        } catch (RuntimeException e) {
            LOG.warn("Query {}: source {} failed to take the commit of batch {}", queryName, table, batchId, e);
        }
    }

    private void closeQuietly() {
        // A write asked for finishes (a batch logged, not committed, is re-run on restart); none starts after.
        checkpointWriter.shutdown();
        try {
            if (!checkpointWriter.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("Query {}: the offset log write still runs after 30 s", queryName);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            sink.close();
        } catch (RuntimeException e) {
            LOG.warn("Closing the sink of query {} failed", queryName, e);
        }
        for (StreamSource s : sources.values()) {
            try {
                s.close();
            } catch (RuntimeException e) {
                LOG.warn("Closing source {} of query {} failed", s.name(), queryName, e);
            }
        }
    }
}
