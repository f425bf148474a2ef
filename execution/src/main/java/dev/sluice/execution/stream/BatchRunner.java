package dev.sluice.execution.stream;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.operator.BatchOperator;
import dev.sluice.execution.operator.FilterProjectOperator;
import dev.sluice.execution.aggregate.OutputMode;
import dev.sluice.execution.operator.HashAggregateOperator;
import dev.sluice.execution.operator.LookupTable;
import dev.sluice.execution.type.RowSchema;
import dev.sluice.execution.type.VectorValues;
import dev.sluice.execution.plan.AggregateNode;
import dev.sluice.execution.plan.LimitNode;
import dev.sluice.execution.source.OffsetRange;
import dev.sluice.execution.source.PartitionReader;
import dev.sluice.execution.source.ScanSpec;
import dev.sluice.execution.source.StreamSource;
import dev.sluice.execution.state.StateStore;
import dev.sluice.execution.source.SourcePartition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Runs the tasks of one micro-batch: one task per pipeline and source partition, in parallel on the
 * session's bounded task pool. A batch's work is a pure function of its offset ranges, so re-running it
 * after a crash gives the same rows.
 *
 * <p>Lifecycle of a task: open reader &gt; read batch &gt; run operators &gt; keep output &gt; ... &gt;
 * close reader. The first failing task cancels the others and its error is the batch's error.
 */
final class BatchRunner {
    private final BatchPlan plan;
    private final Map<String, StreamSource> sources;
    private final ExecutorService taskPool;

    BatchRunner(BatchPlan plan, Map<String, StreamSource> sources, ExecutorService taskPool) {
        this.plan = requireNonNull(plan, "plan is null");
        this.sources = Map.copyOf(sources);
        this.taskPool = requireNonNull(taskPool, "taskPool is null");
    }

    /**
     * Runs the batch over {@code ranges} (per source table name). The output's batches are allocated from
     * {@code allocator}; the caller closes the output. With a GROUP BY, the batch's groups are merged into
     * {@code state}, which the caller commits (after the sink took the output) or aborts.
     */
    BatchOutput run(Map<String, List<OffsetRange>> ranges, BufferAllocator allocator, Optional<StateStore> state)
            throws Exception {
        return run(ranges, allocator, state, Long.MIN_VALUE);
    }

    /**
     * As {@link #run(Map, BufferAllocator, Optional)}, with the query's watermark: a stateful plan drops the
     * rows of watermarked tables whose event time is behind it (or NULL), and counts them as late.
     */
    BatchOutput run(Map<String, List<OffsetRange>> ranges, BufferAllocator allocator, Optional<StateStore> state,
                    long watermark) throws Exception {
        boolean dropLate = plan.dropsLateRows() && watermark > Long.MIN_VALUE;
        Map<Integer, LookupTable> lookups = new HashMap<>();
        for (LookupSide side : plan.lookups()) {
            List<VectorSchemaRoot> rows = runTasks(submit(side.pipelines(), ranges, allocator, Long.MAX_VALUE,
                    Optional.empty(), Long.MIN_VALUE, lookups)).outputs();
            try {
                lookups.put(side.id(), LookupTable.build(rows, side.keys(), side.width()));
            } finally {
                rows.forEach(VectorSchemaRoot::close);
            }
        }
        if (plan.sessionAggregate().isPresent()) {
            return runSessionAggregate(plan.sessionAggregate().get(), ranges, allocator, state.orElseThrow(() ->
                    new IllegalStateException("a session window needs a state store")), watermark, dropLate, lookups);
        }
        if (plan.streamJoin().isPresent()) {
            return runStreamJoin(plan.streamJoin().get(), ranges, allocator, state.orElseThrow(() ->
                    new IllegalStateException("a stream join needs a state store")), watermark, dropLate, lookups);
        }
        List<Future<TaskResult>> futures = submit(plan.pipelines(), ranges, allocator, plan.rowsPerTask(),
                plan.aggregate(), dropLate ? watermark : Long.MIN_VALUE, lookups);
        TaskResults results = runTasks(futures);
        List<VectorSchemaRoot> outputs = results.outputs();
        if (plan.aggregate().isPresent()) {
            outputs = aggregate(plan.aggregate().get(), outputs, allocator, state.orElseThrow(() ->
                    new IllegalStateException("a GROUP BY needs a state store")), watermark);
        }
        return new BatchOutput(plan.outputSchema(), applyLimit(outputs), results.inputRows(), results.malformedRows(),
                results.lateRows(), results.maxEventTimes());
    }

    /** Reads the batch's rows in tasks, then adds them to the sessions in the state, at the batch level. */
    private BatchOutput runSessionAggregate(BatchPlan.SessionAggregate sessions, Map<String, List<OffsetRange>> ranges,
                                            BufferAllocator allocator, StateStore state, long watermark,
                                            boolean dropLate, Map<Integer, LookupTable> lookups) throws Exception {
        TaskResults results = runTasks(submit(plan.pipelines(), ranges, allocator, Long.MAX_VALUE, Optional.empty(),
                dropLate ? watermark : Long.MIN_VALUE, lookups));
        List<List<Object>> rows = new ArrayList<>();
        for (VectorSchemaRoot root : results.outputs()) {
            rows.addAll(VectorValues.rows(root));
            root.close();
        }
        List<List<Object>> emitted = sessions.factory().create(state).aggregate(rows, plan.mode(), watermark);
        List<VectorSchemaRoot> result = afterBatchLevel(emitted, sessions.factory().outputSchema(),
                sessions.afterAggregate(), allocator);
        return new BatchOutput(plan.outputSchema(), applyLimit(result), results.inputRows(), results.malformedRows(),
                results.lateRows(), results.maxEventTimes());
    }

    /** Rows computed at the batch level, as a batch of {@code schema}, through the operators above them. */
    private static List<VectorSchemaRoot> afterBatchLevel(List<List<Object>> rows, RowSchema schema,
                                                          List<FilterProjectOperator.Factory> above,
                                                          BufferAllocator allocator) {
        if (rows.isEmpty()) {
            return List.of();
        }
        List<BatchOperator> operators = new ArrayList<>();
        try {
            for (FilterProjectOperator.Factory f : above) {
                operators.add(f.create(allocator));
            }
            VectorSchemaRoot out = runOperators(operators, VectorValues.toBatch(schema, rows, allocator));
            return out == null ? List.of() : List.of(out);
        } finally {
            operators.forEach(BatchOperator::close);
        }
    }

    /** Reads each side's new rows in tasks, then joins them with the state's rows at the batch level. */
    private BatchOutput runStreamJoin(BatchPlan.StreamJoin join, Map<String, List<OffsetRange>> ranges,
                                      BufferAllocator allocator, StateStore state, long watermark, boolean dropLate,
                                      Map<Integer, LookupTable> lookups) throws Exception {
        List<TaskPipeline> all = plan.pipelines();
        long dropBefore = dropLate ? watermark : Long.MIN_VALUE;
        // Both sides' tasks run at once; the futures of the left side come first.
        List<Future<TaskResult>> left = submit(all.subList(0, join.leftPipelines()), ranges, allocator, Long.MAX_VALUE,
                Optional.empty(), dropBefore, lookups);
        List<Future<TaskResult>> right = submit(all.subList(join.leftPipelines(), all.size()), ranges, allocator,
                Long.MAX_VALUE, Optional.empty(), dropBefore, lookups);
        List<Future<TaskResult>> both = new ArrayList<>(left);
        both.addAll(right);
        TaskResults results = runTasks(both);
        List<List<Object>> leftRows = new ArrayList<>();
        List<List<Object>> rightRows = new ArrayList<>();
        int leftOutputs = 0;
        for (Future<TaskResult> f : left) {
            leftOutputs += f.get().outputs().size();
        }
        List<VectorSchemaRoot> outputs = results.outputs();
        for (int i = 0; i < outputs.size(); i++) {
            (i < leftOutputs ? leftRows : rightRows).addAll(VectorValues.rows(outputs.get(i)));
            outputs.get(i).close();
        }
        // The store is open at the previous batch's version, so this batch's id is the next.
        List<List<Object>> joined = join.factory().create(state).join(leftRows, rightRows, state.version() + 1,
                watermark);
        List<VectorSchemaRoot> result = afterBatchLevel(joined, join.joinedSchema(), join.afterJoin(), allocator);
        return new BatchOutput(plan.outputSchema(), applyLimit(result), results.inputRows(), results.malformedRows(),
                results.lateRows(), results.maxEventTimes());
    }

    /** Starts one task per pipeline and non-empty partition range. */
    private List<Future<TaskResult>> submit(List<TaskPipeline> pipelines, Map<String, List<OffsetRange>> ranges,
                                            BufferAllocator allocator, long rowsPerTask,
                                            Optional<HashAggregateOperator.Factory> aggregate, long dropBefore,
                                            Map<Integer, LookupTable> lookups) {
        List<Future<TaskResult>> futures = new ArrayList<>();
        Map<Integer, LookupTable> built = Map.copyOf(lookups);  // the tasks share what is built so far
        for (TaskPipeline pipeline : pipelines) {
            String table = pipeline.scan().table().name();
            StreamSource source = requireNonNull(sources.get(table), () -> "no source for table " + table);
            for (OffsetRange range : ranges.getOrDefault(table, List.of())) {
                if (!range.isEmpty()) {
                    TaskFuture future = new TaskFuture(task(pipeline, source, range, allocator, rowsPerTask, aggregate,
                            dropBefore, built));
                    taskPool.execute(future);
                    futures.add(future);
                }
            }
        }
        return futures;
    }

    /** Everything the tasks of a batch produced and counted. */
    private record TaskResults(List<VectorSchemaRoot> outputs, long inputRows, long malformedRows, long lateRows,
                               Map<String, Map<SourcePartition, Long>> maxEventTimes) {
    }

    /**
     * Waits for the tasks; the first failure cancels the others, frees what they produced, waits until the
     * cancelled ones have stopped (so nothing still uses the batch's allocator when the caller closes it, and
     * the batch can be run again), and is thrown.
     */
    private static TaskResults runTasks(List<Future<TaskResult>> futures) throws Exception {
        List<VectorSchemaRoot> outputs = new ArrayList<>();
        long inputRows = 0;
        long malformed = 0;
        long late = 0;
        Map<String, Map<SourcePartition, Long>> maxEventTimes = new HashMap<>();
        Exception failure = null;
        for (Future<TaskResult> f : futures) {
            try {
                if (failure != null) {
                    f.cancel(true);
                }
                TaskResult r = f.get();
                outputs.addAll(r.outputs());
                inputRows += r.inputRows();
                malformed += r.malformedRows();
                late += r.lateRows();
                if (r.maxEventTime() != Long.MIN_VALUE) {
                    maxEventTimes.computeIfAbsent(r.table(), t -> new HashMap<>())
                            .merge(r.partition(), r.maxEventTime(), Math::max);
                }
            } catch (ExecutionException e) {
                if (failure == null) {
                    failure = e.getCause() instanceof Exception ex ? ex : new RuntimeException(e.getCause());
                }
            } catch (CancellationException e) {
                // Cancelled after an earlier failure; that failure is reported.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = failure == null ? e : failure;
                for (Future<TaskResult> other : futures) {
                    other.cancel(true);
                }
            }
        }
        if (failure != null) {
            outputs.forEach(VectorSchemaRoot::close);
            for (Future<TaskResult> f : futures) {
                ((TaskFuture) f).awaitStopped();
            }
            throw failure;
        }
        return new TaskResults(outputs, inputRows, malformed, late, maxEventTimes);
    }

    /** Merges the tasks' partial aggregates into the state, then runs the operators above the aggregation. */
    private List<VectorSchemaRoot> aggregate(HashAggregateOperator.Factory factory, List<VectorSchemaRoot> partials,
                                             BufferAllocator allocator, StateStore state, long watermark) {
        VectorSchemaRoot merged;
        try (HashAggregateOperator merge = factory.createFinal(allocator, state)) {
            for (VectorSchemaRoot partial : partials) {
                merge.addInput(partial);
            }
            merge.finish();
            merged = merge.getOutput();
        } finally {
            partials.forEach(VectorSchemaRoot::close);
        }
        // Windows the watermark has passed are final: append mode emits them now, update mode already did;
        // either way they leave the state (complete mode keeps every group, as in Spark).
        if (plan.window().isPresent() && watermark != Long.MIN_VALUE && plan.mode() != OutputMode.COMPLETE) {
            AggregateNode.Window w = plan.window().get();
            VectorSchemaRoot closed = factory.evictClosedWindows(state, w.key(), w.millis(), watermark, allocator);
            if (plan.mode() == OutputMode.APPEND) {
                if (merged != null) {
                    merged.close();
                }
                merged = closed;
            } else if (closed != null) {
                closed.close();
            }
        } else if (plan.mode() == OutputMode.APPEND && merged != null) {
            merged.close();  // no watermark yet: no window is final
            merged = null;
        }
        if (merged == null) {
            return List.of();
        }
        List<BatchOperator> operators = new ArrayList<>();
        try {
            for (FilterProjectOperator.Factory f : plan.afterAggregate()) {
                operators.add(f.create(allocator));
            }
            VectorSchemaRoot out = runOperators(operators, merged);
            return out == null ? List.of() : List.of(out);
        } finally {
            operators.forEach(BatchOperator::close);
        }
    }

    private List<VectorSchemaRoot> applyLimit(List<VectorSchemaRoot> outputs) {
        if (plan.limit().isEmpty()) {
            return outputs;
        }
        LimitNode limit = plan.limit().get();
        long skip = limit.offset();
        long keep = limit.fetch();
        List<VectorSchemaRoot> kept = new ArrayList<>();
        for (VectorSchemaRoot root : outputs) {
            int rows = root.getRowCount();
            int from = (int) Math.min(skip, rows);
            skip -= from;
            int n = (int) Math.min(keep, rows - from);
            if (n > 0 && from == 0 && n == rows) {
                kept.add(root);
                keep -= n;
                continue;
            }
            if (n > 0) {
                kept.add(root.slice(from, n));
                keep -= n;
            }
            root.close();
        }
        return kept;
    }

    private static Callable<TaskResult> task(TaskPipeline pipeline, StreamSource source, OffsetRange range,
                                             BufferAllocator allocator, long rowsPerTask,
                                             Optional<HashAggregateOperator.Factory> aggregate, long dropBefore,
                                             Map<Integer, LookupTable> lookups) {
        return () -> {
            List<BatchOperator> operators = new ArrayList<>();
            List<VectorSchemaRoot> outputs = new ArrayList<>();
            HashAggregateOperator partial = aggregate.map(f -> f.createPartial(allocator)).orElse(null);
            EventTimeTracker eventTime = EventTimeTracker.of(pipeline.scan(), dropBefore, allocator);
            long lateRows = 0;
            long inputRows = 0;
            long produced = 0;
            ScanSpec spec = new ScanSpec(range, pipeline.scan().schema().names(), ScanSpec.DEFAULT_MAX_BATCH_ROWS);
            try (PartitionReader reader = source.openReader(spec, allocator)) {
                for (OperatorStep step : pipeline.operators()) {
                    operators.add(step.create(allocator, lookups));
                }
                VectorSchemaRoot batch;
                while (produced < rowsPerTask && (batch = reader.next()) != null) {
                    if (Thread.currentThread().isInterrupted()) {
                        batch.close();
                        throw new InterruptedException("task cancelled");
                    }
                    inputRows += batch.getRowCount();
                    int before = batch.getRowCount();
                    batch = eventTime.observe(batch);
                    lateRows += before - (batch == null ? 0 : batch.getRowCount());
                    if (batch == null) {
                        continue;
                    }
                    VectorSchemaRoot out = runOperators(operators, batch);
                    if (out != null && partial != null) {
                        try (out) {
                            partial.addInput(out);
                        }
                    } else if (out != null) {
                        outputs.add(out);
                        produced += out.getRowCount();
                    }
                }
                if (partial != null) {
                    partial.finish();
                    VectorSchemaRoot groups = partial.getOutput();
                    if (groups != null) {
                        outputs.add(groups);
                    }
                }
                return new TaskResult(outputs, inputRows + reader.malformedRecords(), reader.malformedRecords(), lateRows,
                        pipeline.scan().table().name(), range.partition(), eventTime.max());
            } catch (Exception | Error e) {
                outputs.forEach(VectorSchemaRoot::close);
                throw e;
            } finally {
                operators.forEach(BatchOperator::close);
                eventTime.close();
                if (partial != null) {
                    partial.close();
                }
            }
        };
    }

    /** Pushes one batch through the chain; closes every intermediate batch, including the input. */
    private static VectorSchemaRoot runOperators(List<BatchOperator> operators, VectorSchemaRoot input) {
        VectorSchemaRoot current = input;
        for (BatchOperator op : operators) {
            VectorSchemaRoot next;
            try {
                next = op.process(current);
            } finally {
                current.close();
            }
            if (next == null) {
                return null;
            }
            current = next;
        }
        return current;
    }

    private record TaskResult(List<VectorSchemaRoot> outputs, long inputRows, long malformedRows, long lateRows,
                              String table, SourcePartition partition, long maxEventTime) {
    }

    /**
     * A task that can be waited for after it was cancelled: {@link #cancel} only interrupts a running task,
     * which stops (and frees its batches) a little later. A result that comes after the cancellation is freed.
     */
    private static final class TaskFuture extends FutureTask<TaskResult> {
        private static final long STOP_TIMEOUT_SECONDS = 30;
        private final CountDownLatch stopped = new CountDownLatch(1);

        TaskFuture(Callable<TaskResult> task) {
            super(task);
        }

        @Override
        public void run() {
            try {
                super.run();  // returns at once if cancelled before it started
            } finally {
                stopped.countDown();
            }
        }

        @Override
        protected void set(TaskResult result) {
            super.set(result);
            if (isCancelled()) {
                result.outputs().forEach(VectorSchemaRoot::close);
            }
        }

        /** Waits until the task has run or will never run (bounded: a pool shut down never runs it). */
        void awaitStopped() throws InterruptedException {
            if (!isDone() || isCancelled()) {
                stopped.await(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            }
        }
    }
}
