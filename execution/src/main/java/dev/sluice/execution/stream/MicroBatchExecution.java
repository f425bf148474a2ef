package dev.sluice.execution.stream;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.checkpoint.BatchOffsets;
import dev.sluice.execution.checkpoint.Checkpoint;
import dev.sluice.execution.checkpoint.CommitRecord;
import dev.sluice.execution.plan.PhysicalNode;
import dev.sluice.execution.sink.StreamSink;
import dev.sluice.execution.source.OffsetRange;
import dev.sluice.execution.source.SourcePartition;
import dev.sluice.execution.source.StreamSource;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The micro-batch loop of one continuous query, run on the query's own thread.
 *
 * <p>Lifecycle of a batch: plan offsets &gt; write them to the offset log &gt; run the tasks &gt; hand the
 * output to the sink &gt; write the commit marker &gt; report progress. On start, a batch that was logged
 * but not committed (the previous run crashed in between) is re-run first with exactly its logged
 * offsets; committed batches are never re-run. Together with a sink that ignores a batch id it already
 * took, this gives exactly-once output.
 *
 * <p>This object owns the sources and the sink it is given and closes them when the loop ends.
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
    private final BufferAllocator allocator;
    private final QueryObserver observer;
    private final BatchRunner runner;
    private final OffsetPlanner offsets;
    private final CountDownLatch stopRequested = new CountDownLatch(1);

    public MicroBatchExecution(String queryName, PhysicalNode plan, Map<String, StreamSource> sources,
                               StreamSink sink, Checkpoint checkpoint, Trigger trigger, ExecutorService taskPool,
                               BufferAllocator allocator, QueryObserver observer) {
        this.queryName = requireNonNull(queryName, "queryName is null");
        this.sources = Map.copyOf(sources);
        this.sink = requireNonNull(sink, "sink is null");
        this.checkpoint = requireNonNull(checkpoint, "checkpoint is null");
        this.trigger = requireNonNull(trigger, "trigger is null");
        this.allocator = requireNonNull(allocator, "allocator is null");
        this.observer = requireNonNull(observer, "observer is null");
        this.runner = new BatchRunner(BatchPlan.of(plan), sources, taskPool);
        this.offsets = new OffsetPlanner(sources);
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
            offsets.resumeAfter(committed.sources());
            nextBatchId = lastCommitted.get() + 1;
        }
        Optional<BatchOffsets> pending = checkpoint.pendingBatch();
        if (pending.isPresent()) {
            LOG.info("Query {}: re-running batch {} that was logged but not committed", queryName,
                    pending.get().batchId());
            runBatch(pending.get().batchId(), pending.get().sources(), 0);
            nextBatchId = pending.get().batchId() + 1;
            if (trigger.kind() == Trigger.Kind.ONCE) {
                return;
            }
        }
        Optional<Map<String, Map<SourcePartition, Long>>> end = trigger.kind() == Trigger.Kind.AVAILABLE_NOW
                ? Optional.of(offsets.latest()) : Optional.empty();
        while (stopRequested.getCount() > 0) {
            long started = System.nanoTime();
            Optional<Map<String, List<OffsetRange>>> ranges = offsets.next(end);
            long planMillis = (System.nanoTime() - started) / 1_000_000;
            if (ranges.isPresent()) {
                BatchOffsets logged = new BatchOffsets(nextBatchId, System.currentTimeMillis(), ranges.get());
                if (!checkpoint.offsetLog().add(nextBatchId, logged)) {
                    throw new IllegalStateException("Batch " + nextBatchId + " is already in the offset log of "
                            + checkpoint.root() + ": is another query using this checkpoint?");
                }
                runBatch(nextBatchId, ranges.get(), planMillis);
                nextBatchId++;
            }
            if (trigger.kind() == Trigger.Kind.ONCE || (trigger.kind() == Trigger.Kind.AVAILABLE_NOW
                    && ranges.isEmpty())) {
                return;
            }
            if (trigger.kind() == Trigger.Kind.PROCESSING_TIME) {
                long waitNanos = trigger.interval().toNanos() - (System.nanoTime() - started);
                if (waitNanos > 0 && stopRequested.await(waitNanos, TimeUnit.NANOSECONDS)) {
                    return;
                }
            }
        }
    }

    private void runBatch(long batchId, Map<String, List<OffsetRange>> ranges, long planMillis) throws Exception {
        Instant timestamp = Instant.now();
        long t0 = System.nanoTime();
        Map<String, Long> durations = new LinkedHashMap<>();
        durations.put("planOffsets", planMillis);
        long outputRows;
        long inputRows;
        long malformed;
        try (BufferAllocator batchAllocator = allocator.newChildAllocator("batch-" + batchId, 0, Long.MAX_VALUE);
             BatchOutput output = runner.run(ranges, batchAllocator)) {
            long t1 = System.nanoTime();
            durations.put("process", (t1 - t0) / 1_000_000);
            sink.addBatch(batchId, output.schema(), output.batches());
            long t2 = System.nanoTime();
            durations.put("sink", (t2 - t1) / 1_000_000);
            outputRows = output.outputRows();
            inputRows = output.inputRows();
            malformed = output.malformedRows();
        }
        long t3 = System.nanoTime();
        checkpoint.commitLog().add(batchId, new CommitRecord(batchId, System.currentTimeMillis(), outputRows));
        offsets.resumeAfter(ranges);
        if (batchId >= RETAINED_BATCHES) {
            checkpoint.offsetLog().purgeBefore(batchId - RETAINED_BATCHES);
            checkpoint.commitLog().purgeBefore(batchId - RETAINED_BATCHES);
        }
        long t4 = System.nanoTime();
        durations.put("commit", (t4 - t3) / 1_000_000);
        durations.put("total", planMillis + (t4 - t0) / 1_000_000);
        BatchProgress progress = new BatchProgress(queryName, batchId, timestamp, offsetsOf(ranges, true),
                offsetsOf(ranges, false), inputRows, outputRows, malformed, durations);
        LOG.debug("Query {} batch {}: {} rows in, {} out, {} malformed, {} ms", queryName, batchId, inputRows,
                outputRows, malformed, durations.get("total"));
        try {
            observer.onBatchCompleted(progress);
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

    private void closeQuietly() {
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
