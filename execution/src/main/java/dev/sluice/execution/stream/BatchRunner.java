package dev.sluice.execution.stream;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.changelog.ChangeBatch;
import dev.sluice.execution.expr.ProcessingTime;
import dev.sluice.execution.operator.BatchOperator;
import dev.sluice.execution.operator.OperatorContext;
import dev.sluice.execution.operator.StreamOperator;
import dev.sluice.execution.operator.HashAggregateOperator;
import dev.sluice.execution.operator.LookupTable;
import dev.sluice.execution.plan.LimitNode;
import dev.sluice.execution.source.OffsetRange;
import dev.sluice.execution.source.PartitionReader;
import dev.sluice.execution.source.ScanSpec;
import dev.sluice.execution.source.StreamSource;
import dev.sluice.execution.state.StateStore;
import dev.sluice.execution.source.SourcePartition;
import dev.sluice.execution.type.RowSchema;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
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
 * Runs the tasks of one micro-batch: one task per pipeline and source partition (or group of partitions, see
 * {@link #MAX_TASKS_PER_SCAN}), in parallel on the session's bounded task pool. A batch's work is a pure function of its offset ranges, so re-running it
 * after a crash gives the same rows.
 *
 * <p>Lifecycle of a task: open reader &gt; read batch &gt; run operators &gt; keep output &gt; ... &gt;
 * close reader. The first failing task cancels the others and its error is the batch's error.
 */
final class BatchRunner {
    /**
     * The most tasks a pipeline's scan of one source runs per batch. A source of more partitions is read in as
     * many groups of partitions, one reader each: every range has a fixed cost (for Kafka, a consumer set to
     * its partition and a fetch round trip of its own), which ranges of a few thousand records (a batch over
     * hundreds of partitions) do not repay, while one Kafka consumer fetches a group's partitions together. At
     * most the Kafka source's pool of consumers, so that each group keeps its consumer from batch to batch.
     */
    static final int MAX_TASKS_PER_SCAN = 16;

    private final IncrementalPlan plan;
    private final Map<String, StreamSource> sources;
    private final ExecutorService taskPool;

    BatchRunner(IncrementalPlan plan, Map<String, StreamSource> sources, ExecutorService taskPool) {
        this.plan = requireNonNull(plan, "plan is null");
        this.sources = Map.copyOf(sources);
        this.taskPool = requireNonNull(taskPool, "taskPool is null");
    }

    /** The schema of the plan's result. */
    RowSchema outputSchema() {
        return plan.outputSchema();
    }

    /**
     * Runs batch {@code batchId} over {@code ranges} (per source table name), with the query's watermark: a
     * stateful plan drops the rows of watermarked tables whose event time is behind it (or NULL), and counts
     * them as late. The output's batches are allocated from {@code allocator}; the caller closes the output.
     * Each stateful operator reads and writes its store in {@code states} (by operator id), which the caller
     * commits (after the sink took the output) or aborts. {@code timestampMillis} is the batch's logged time,
     * the time its operators count from (a state TTL) and the value of {@code PROCTIME()} in its tasks and
     * operators ({@link ProcessingTime}). With {@code streamed} (not null; only if the plan
     * {@link IncrementalPlan#streamsRows streams its rows}), the tasks write their rows there as they come, and the
     * output holds no rows.
     */
    BatchOutput run(Map<String, List<OffsetRange>> ranges, BufferAllocator allocator, Map<String, StateStore> states,
                    long batchId, long watermark, long timestampMillis, StreamedRows streamed) throws Exception {
        if (streamed != null && !plan.streamsRows()) {
            throw new IllegalArgumentException("The plan does not stream its rows");
        }
        boolean dropLate = plan.dropsLateRows() && watermark > Long.MIN_VALUE;
        Map<Integer, LookupTable> lookups = new HashMap<>();
        for (LookupSide side : plan.lookups()) {
            List<VectorSchemaRoot> rows = runTasks(submit(side.pipelines(), ranges, allocator, Long.MAX_VALUE,
                    Optional.empty(), Long.MIN_VALUE, lookups, timestampMillis, null)).outputs();
            try {
                lookups.put(side.id(), LookupTable.build(rows, side.keys(), side.width(), side.primaryKey()));
            } finally {
                rows.forEach(VectorSchemaRoot::close);
            }
        }
        // Every task of the batch runs at once, whichever part of the tree it feeds.
        List<IncrementalPlan.TaskStage> stages = plan.taskStages();
        List<Future<TaskResult>> futures = new ArrayList<>();
        List<Integer> taskCounts = new ArrayList<>();
        for (IncrementalPlan.TaskStage stage : stages) {
            List<Future<TaskResult>> f = submit(stage.pipelines(), ranges, allocator, plan.rowsPerTask(), stage.partial(),
                    dropLate ? watermark : Long.MIN_VALUE, lookups, timestampMillis, streamed);
            futures.addAll(f);
            taskCounts.add(f.size());
        }
        TaskResults results = runTasks(futures);
        Map<IncrementalPlan.TaskStage, List<VectorSchemaRoot>> outputs = new IdentityHashMap<>();
        Map<IncrementalPlan.TaskStage, Long> stageLateRows = new IdentityHashMap<>();
        int next = 0;
        for (int s = 0; s < stages.size(); s++) {
            List<VectorSchemaRoot> stageOutputs = new ArrayList<>();
            long late = 0;
            for (int t = 0; t < taskCounts.get(s); t++) {
                TaskResult task = results.perTask().get(next++);
                stageOutputs.addAll(task.outputs());
                late += task.lateRows();
            }
            outputs.put(stages.get(s), stageOutputs);
            stageLateRows.put(stages.get(s), late);
        }
        List<ChangeBatch> changes;
        TreeRun tree = new TreeRun(outputs, stageLateRows, allocator, states, batchId, watermark, timestampMillis);
        try {
            changes = ProcessingTime.at(timestampMillis, () -> tree.run(plan.root()));
        } catch (Exception | Error e) {
            outputs.values().forEach(list -> list.forEach(VectorSchemaRoot::close));
            throw e;
        }
        if (plan.limit().isPresent()) {
            List<VectorSchemaRoot> rows = new ArrayList<>();
            changes.forEach(c -> rows.add(c.rows()));  // a LIMIT is over a bounded query's rows: inserts only
            changes = ChangeBatch.inserts(applyLimit(rows));
        }
        return new BatchOutput(plan.outputSchema(), changes, results.inputRows(), results.malformedRows(),
                results.lateRows(), tree.lateRowsByOperator, results.maxEventTimes());
    }

    /**
     * One batch's run of the operator tree, bottom-up: each operator takes its inputs' changes, then finishes.
     * The task stages' outputs are taken (and closed) as the tree consumes them.
     *
     * <p>Late rows are counted per stateful operator: the rows the tasks that feed it (through stateless
     * operators, if any) dropped for being behind its watermark. Only the tasks drop late rows: an operator's
     * input watermark is its inputs' output watermark, held back by what they can still emit behind it, so no
     * operator's output reaches the operator above it late.
     */
    private static final class TreeRun {
        private final Map<IncrementalPlan.TaskStage, List<VectorSchemaRoot>> taskOutputs;
        private final Map<IncrementalPlan.TaskStage, Long> taskLateRows;
        /** The late rows each stateful operator's tasks dropped, by operator id, bottom-up. */
        private final Map<String, Long> lateRowsByOperator = new LinkedHashMap<>();
        /** Late rows below a stateless operator, counted for the stateful operator above it. */
        private final Map<IncrementalPlan.Stage, Long> pendingLateRows = new IdentityHashMap<>();
        private final BufferAllocator allocator;
        private final Map<String, StateStore> states;
        private final long batchId;
        private final long watermark;
        private final long timestampMillis;

        TreeRun(Map<IncrementalPlan.TaskStage, List<VectorSchemaRoot>> taskOutputs,
                Map<IncrementalPlan.TaskStage, Long> taskLateRows, BufferAllocator allocator,
                Map<String, StateStore> states, long batchId, long watermark, long timestampMillis) {
            this.taskOutputs = taskOutputs;
            this.taskLateRows = taskLateRows;
            this.allocator = allocator;
            this.states = states;
            this.batchId = batchId;
            this.watermark = watermark;
            this.timestampMillis = timestampMillis;
        }

        List<ChangeBatch> run(IncrementalPlan.Stage stage) {
            if (stage instanceof IncrementalPlan.TaskStage task) {
                return new ArrayList<>(ChangeBatch.inserts(requireNonNull(taskOutputs.remove(task), "task stage ran twice")));
            }
            IncrementalPlan.OperatorStage op = (IncrementalPlan.OperatorStage) stage;
            List<List<ChangeBatch>> inputs = new ArrayList<>();
            List<ChangeBatch> out = new ArrayList<>();
            try {
                long late = 0;
                for (IncrementalPlan.Stage input : op.inputs()) {
                    inputs.add(run(input));
                    Long below = input instanceof IncrementalPlan.TaskStage task ? taskLateRows.get(task)
                            : pendingLateRows.remove(input);
                    late += below == null ? 0 : below;
                }
                if (op.state().isPresent()) {
                    lateRowsByOperator.put(op.id(), late);
                } else {
                    pendingLateRows.put(op, late);
                }
                OperatorContext context = new OperatorContext(batchId, inputWatermark(op), allocator,
                        Optional.ofNullable(states.get(op.id())), timestampMillis);
                try (StreamOperator operator = op.factory().create(context)) {
                    for (int i = 0; i < inputs.size(); i++) {
                        List<ChangeBatch> batches = inputs.get(i);
                        while (!batches.isEmpty()) {
                            out.addAll(operator.add(i, batches.remove(0)));
                        }
                    }
                    out.addAll(operator.finish());
                }
                return out;
            } catch (RuntimeException | Error e) {
                inputs.forEach(list -> list.forEach(ChangeBatch::close));
                out.forEach(ChangeBatch::close);
                throw e;
            }
        }

        /** The smallest of the inputs' output watermarks. */
        private long inputWatermark(IncrementalPlan.OperatorStage op) {
            long min = Long.MAX_VALUE;
            for (IncrementalPlan.Stage input : op.inputs()) {
                min = Math.min(min, outputWatermark(input));
            }
            return min;
        }

        private long outputWatermark(IncrementalPlan.Stage stage) {
            if (stage instanceof IncrementalPlan.TaskStage) {
                return watermark;
            }
            IncrementalPlan.OperatorStage op = (IncrementalPlan.OperatorStage) stage;
            long in = inputWatermark(op);
            return in == Long.MIN_VALUE ? in : in - op.factory().watermarkDelayMillis();
        }
    }

    /**
     * Starts the tasks of each pipeline: one per partition range, or with more partitions than
     * {@link #MAX_TASKS_PER_SCAN}, one per group of ranges (of consecutive partitions); a group or range with
     * nothing to read starts no task.
     */
    private List<Future<TaskResult>> submit(List<TaskPipeline> pipelines, Map<String, List<OffsetRange>> ranges,
                                            BufferAllocator allocator, long rowsPerTask,
                                            Optional<HashAggregateOperator.Factory> aggregate, long dropBefore,
                                            Map<Integer, LookupTable> lookups, long batchMillis,
                                            StreamedRows streamed) {
        List<Future<TaskResult>> futures = new ArrayList<>();
        Map<Integer, LookupTable> built = Map.copyOf(lookups);  // the tasks share what is built so far
        for (TaskPipeline pipeline : pipelines) {
            String table = pipeline.scan().table().name();
            StreamSource source = requireNonNull(sources.get(table), () -> "no source for table " + table);
            // A task that stops at rowsPerTask (a LIMIT) stops after the same rows whichever way its ranges'
            // batches arrive only if it reads one range.
            int tasks = rowsPerTask == Long.MAX_VALUE ? MAX_TASKS_PER_SCAN : Integer.MAX_VALUE;
            for (List<OffsetRange> group : groups(ranges.getOrDefault(table, List.of()), tasks)) {
                if (group.stream().allMatch(OffsetRange::isEmpty)) {
                    continue;
                }
                Callable<TaskResult> task = task(pipeline, source, group, allocator, rowsPerTask, aggregate,
                        dropBefore, built, streamed);
                TaskFuture future = new TaskFuture(() -> ProcessingTime.at(batchMillis, task));
                taskPool.execute(future);
                futures.add(future);
            }
        }
        return futures;
    }

    /**
     * {@code ranges} in at most {@code tasks} groups of consecutive ranges, as even in number as can be. The
     * groups are a function of the partitions alone (empty ranges stay in their group), so that a partition's
     * group, and the Kafka consumer that reads the group, stay the same from batch to batch.
     */
    static List<List<OffsetRange>> groups(List<OffsetRange> ranges, int tasks) {
        int n = ranges.size();
        int k = Math.min(n, tasks);
        List<List<OffsetRange>> groups = new ArrayList<>(k);
        for (int i = 0; i < k; i++) {
            groups.add(ranges.subList((int) ((long) i * n / k), (int) ((long) (i + 1) * n / k)));
        }
        return groups;
    }

    /** Everything the tasks of a batch produced and counted; {@code perTask} in the order they were submitted. */
    private record TaskResults(List<TaskResult> perTask, long inputRows, long malformedRows, long lateRows,
                               Map<String, Map<SourcePartition, Long>> maxEventTimes) {
        List<VectorSchemaRoot> outputs() {
            List<VectorSchemaRoot> all = new ArrayList<>();
            perTask.forEach(t -> all.addAll(t.outputs()));
            return all;
        }
    }

    /**
     * Waits for the tasks; the first failure cancels the others, frees what they produced, waits until the
     * cancelled ones have stopped (so nothing still uses the batch's allocator when the caller closes it, and
     * the batch can be run again), and is thrown.
     */
    private static TaskResults runTasks(List<Future<TaskResult>> futures) throws Exception {
        List<TaskResult> perTask = new ArrayList<>();
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
                perTask.add(r);
                inputRows += r.inputRows();
                malformed += r.malformedRows();
                late += r.lateRows();
                r.maxEventTimes().forEach((partition, max) -> maxEventTimes.computeIfAbsent(r.table(),
                        t -> new HashMap<>()).merge(partition, max, Math::max));
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
            perTask.forEach(t -> t.outputs().forEach(VectorSchemaRoot::close));
            for (Future<TaskResult> f : futures) {
                ((TaskFuture) f).awaitStopped();
            }
            throw failure;
        }
        return new TaskResults(perTask, inputRows, malformed, late, maxEventTimes);
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

    /**
     * A task: reads its ranges, runs the pipeline's operators over each batch, and keeps the output (or the
     * pipeline's partial aggregate of it) per partition, returned in the ranges' order, so that a batch's output
     * does not depend on the order in which a reader of several partitions returned their rows; or, with
     * {@code streamed} (not null), writes the output there as it comes.
     */
    private static Callable<TaskResult> task(TaskPipeline pipeline, StreamSource source, List<OffsetRange> ranges,
                                             BufferAllocator allocator, long rowsPerTask,
                                             Optional<HashAggregateOperator.Factory> aggregate, long dropBefore,
                                             Map<Integer, LookupTable> lookups, StreamedRows streamed) {
        return () -> {
            List<BatchOperator> operators = new ArrayList<>();
            Map<SourcePartition, PartitionOutput> byPartition = new LinkedHashMap<>();
            for (OffsetRange range : ranges) {
                byPartition.put(range.partition(), new PartitionOutput());
            }
            EventTimeTracker eventTime = EventTimeTracker.of(pipeline.scan(), dropBefore, allocator);
            long lateRows = 0;
            long inputRows = 0;
            long produced = 0;
            ScanSpec spec = new ScanSpec(ranges, pipeline.scan().schema().names(), ScanSpec.DEFAULT_MAX_BATCH_ROWS);
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
                    SourcePartition partition = reader.partition();
                    PartitionOutput output = byPartition.get(partition);
                    if (output == null) {
                        batch.close();
                        throw new IllegalStateException("The reader of table '" + pipeline.scan().table().name()
                                + "' returned rows of " + partition + ", which the task does not read: " + ranges);
                    }
                    inputRows += batch.getRowCount();
                    int before = batch.getRowCount();
                    batch = eventTime.observe(partition, batch);
                    lateRows += before - (batch == null ? 0 : batch.getRowCount());
                    if (batch == null) {
                        continue;
                    }
                    VectorSchemaRoot out = runOperators(operators, batch);
                    if (out != null && aggregate.isPresent()) {
                        try (out) {
                            output.partial(aggregate.get(), allocator).addInput(out);
                        }
                    } else if (out != null && streamed != null) {
                        streamed.write(out);
                    } else if (out != null) {
                        output.rows.add(out);
                        produced += out.getRowCount();
                    }
                }
                List<VectorSchemaRoot> outputs = new ArrayList<>();
                try {
                    for (PartitionOutput output : byPartition.values()) {
                        output.finishInto(outputs);
                    }
                } catch (RuntimeException | Error e) {
                    outputs.forEach(VectorSchemaRoot::close);
                    throw e;
                }
                return new TaskResult(outputs, inputRows + reader.malformedRecords(), reader.malformedRecords(), lateRows,
                        pipeline.scan().table().name(), Map.copyOf(eventTime.max()));
            } finally {
                byPartition.values().forEach(PartitionOutput::close);
                operators.forEach(BatchOperator::close);
                eventTime.close();
            }
        };
    }

    /** What a task made of one partition's rows: its output batches, or its partial aggregate. */
    private static final class PartitionOutput implements AutoCloseable {
        private final List<VectorSchemaRoot> rows = new ArrayList<>();
        private HashAggregateOperator partial;

        HashAggregateOperator partial(HashAggregateOperator.Factory factory, BufferAllocator allocator) {
            if (partial == null) {
                partial = factory.createPartial(allocator);
            }
            return partial;
        }

        /** Moves the output into {@code outputs}, which then owns it. */
        void finishInto(List<VectorSchemaRoot> outputs) {
            if (partial != null) {
                partial.finish();
                VectorSchemaRoot groups = partial.getOutput();
                if (groups != null) {
                    rows.add(groups);
                }
            }
            outputs.addAll(rows);
            rows.clear();
        }

        /** Frees what was not moved out (after a failure). */
        @Override
        public void close() {
            rows.forEach(VectorSchemaRoot::close);
            rows.clear();
            if (partial != null) {
                partial.close();
            }
        }
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
                              String table, Map<SourcePartition, Long> maxEventTimes) {
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
