package dev.sluice.execution.operator;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.aggregate.AggregateCall;
import dev.sluice.execution.aggregate.GroupedAggregation;
import dev.sluice.execution.aggregate.OutputMode;
import dev.sluice.execution.expr.RowSelection;
import dev.sluice.execution.plan.AggregateNode;
import dev.sluice.execution.state.StateEntry;
import dev.sluice.execution.state.StateStore;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.RowSchema;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMilliVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.compare.Range;
import org.apache.arrow.vector.compare.RangeEqualsVisitor;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Streaming {@code GROUP BY} by hashing, in two steps per micro-batch:
 * <ol>
 *   <li>{@link Step#PARTIAL}, one per task (Kafka partition): raw rows in (group-key and argument columns
 *       already computed), one batch of partial states out, a row per group the task saw.</li>
 *   <li>{@link Step#FINAL}, one per batch: the partial batches of every task in; each changed group is merged
 *       with its state from the {@link StateStore} (keyed by the encoded group key) and written back; result
 *       rows out, group keys then one column per aggregate: the changed groups ({@link OutputMode#UPDATE}) or
 *       every group ({@link OutputMode#COMPLETE}).</li>
 * </ol>
 *
 * <p>Properties: does not keep input order (UPDATE emits groups in the order this batch first saw them,
 * COMPLETE in encoded-key order, both deterministic for the same input); one output partition; incremental:
 * the cost of a batch is its rows plus its changed groups (COMPLETE adds one pass over the state); output rows
 * are at most the changed groups (UPDATE) or all groups (COMPLETE), never an empty batch. A global aggregate
 * (no group keys) in COMPLETE mode emits its one row even before any input, as SQL does.
 *
 * <p>State: a PARTIAL operator keeps its groups only until {@link #finish}. A FINAL operator keeps nothing
 * itself: all state is in the store, which the caller opened at the last committed batch and commits with
 * this batch's id after {@link #getOutput} (so a re-run batch starts from the same state and gives the same
 * rows). The checkpoint holds, per group, the encoded key and every aggregate's state (counts, sums, min/max,
 * and COUNT(DISTINCT)'s value set) in the store's delta and snapshot files. Rows carry no event time here, so
 * no row is late; windows and watermarks are another operator's job.
 *
 * <p>Lifecycle: {@link #addInput} per input batch (a task's rows for PARTIAL, the tasks' partial states for
 * FINAL) &gt; {@link #finish} &gt; {@link #getOutput} once &gt; {@link #close}; {@code AggregateOperator} drives a
 * FINAL one per micro-batch, a task a PARTIAL one per partition. Accumulators live on the Java heap; output vectors come
 * from the allocator given to the factory's {@code create}, and the caller closes the batch
 * {@code getOutput} returns. Not thread-safe.
 */
public final class HashAggregateOperator implements AutoCloseable {
    /** Which half of the two-step aggregation an operator runs. */
    public enum Step {
        /** Raw rows to partial states, per task. */
        PARTIAL,
        /** Partial states merged into the state store, to result rows. */
        FINAL
    }

    /**
     * The validated description of one aggregation, shared by every task; {@link #createPartial} per task and
     * {@link #createFinal} per batch.
     */
    public static final class Factory {
        private final RowSchema inputSchema;
        private final int[] groupChannels;
        private final List<AggregateCall> calls;
        private final OutputMode outputMode;
        private final RowSchema keySchema;
        private final RowSchema outputSchema;
        private final Schema partialSchema;
        private final RowSchema stateValueSchema;
        private final Optional<AggregateNode.Window> window;
        private final boolean retracting;

        /**
         * @param inputSchema the rows the PARTIAL step reads
         * @param groupChannels indices of the group-key columns in the input (empty for a global aggregate)
         * @param calls the aggregates, their arguments indices into the input
         * @param outputMode which groups the FINAL step emits
         * @throws IllegalArgumentException if a channel is out of range, an argument's type is not the input
         *     column's, or an output name repeats
         */
        public Factory(RowSchema inputSchema, List<Integer> groupChannels, List<AggregateCall> calls,
                       OutputMode outputMode) {
            this(inputSchema, groupChannels, calls, outputMode, Optional.empty());
        }

        /**
         * As {@link #Factory(RowSchema, List, List, OutputMode)}, with the event-time window among the group
         * keys: for a hopping window the PARTIAL step adds each row to each window it belongs to.
         */
        public Factory(RowSchema inputSchema, List<Integer> groupChannels, List<AggregateCall> calls,
                       OutputMode outputMode, Optional<AggregateNode.Window> window) {
            this(inputSchema, groupChannels, calls, outputMode, window, false);
        }

        /**
         * As {@link #Factory(RowSchema, List, List, OutputMode, Optional)}; {@code retracting} when the input
         * rows can be deleted (an updating input): the aggregates keep what they need to take a row back, each
         * group counts its rows, and a group whose rows are all deleted leaves the state.
         */
        public Factory(RowSchema inputSchema, List<Integer> groupChannels, List<AggregateCall> calls,
                       OutputMode outputMode, Optional<AggregateNode.Window> window, boolean retracting) {
            this.window = requireNonNull(window, "window is null");
            this.retracting = retracting;
            if (retracting && window.isPresent()) {
                throw new IllegalArgumentException("A window aggregation over rows that are updated is not supported");
            }
            this.inputSchema = requireNonNull(inputSchema, "inputSchema is null");
            this.groupChannels = groupChannels.stream().mapToInt(Integer::intValue).toArray();
            this.calls = List.copyOf(calls);
            this.outputMode = requireNonNull(outputMode, "outputMode is null");
            List<Column> keys = new ArrayList<>();
            for (int channel : this.groupChannels) {
                keys.add(column(channel, "group key"));
            }
            this.keySchema = new RowSchema(keys);
            List<Column> output = new ArrayList<>(keys);
            for (AggregateCall call : this.calls) {
                if (call.argument() >= 0) {
                    Column argument = column(call.argument(), "argument of " + call.name());
                    if (argument.type() != call.argumentType()) {
                        throw new IllegalArgumentException("Aggregate " + call + " expects " + call.argumentType()
                                + " but input column '" + argument.name() + "' is " + argument.type());
                    }
                }
                output.add(call.outputColumn());
            }
            this.outputSchema = new RowSchema(output);
            if (outputSchema.names().stream().distinct().count() != output.size()) {
                throw new IllegalArgumentException("Aggregation output columns repeat a name: " + outputSchema.names());
            }
            GroupedAggregation prototype = newAggregation();
            List<Field> partial = new ArrayList<>();
            keys.forEach(k -> partial.add(k.toArrowField()));
            partial.addAll(prototype.partialStateFields());
            this.partialSchema = new Schema(partial);
            this.stateValueSchema = prototype.stateSchema();
        }

        private Column column(int channel, String role) {
            if (channel < 0 || channel >= inputSchema.size()) {
                throw new IllegalArgumentException("The " + role + " is input column " + channel + ", but the input has "
                        + inputSchema.size() + " columns " + inputSchema.names());
            }
            return inputSchema.column(channel);
        }

        /**
         * Removes from {@code store} the groups whose window has closed (the window-start key at
         * {@code windowKey}, plus {@code windowMillis}, at or before {@code watermark}) and returns their final
         * rows (for append mode), or null if no window closed. The caller closes the returned batch and
         * commits or aborts the store. Reads the whole state: windows close once, so it stays small.
         */
        public VectorSchemaRoot evictClosedWindows(StateStore store, int windowKey, long windowMillis, long watermark,
                                                   BufferAllocator allocator) {
            List<StateEntry> entries = new ArrayList<>();
            for (Iterator<StateEntry> it = store.iterator(); it.hasNext(); ) {
                entries.add(it.next());
            }
            if (entries.isEmpty()) {
                return null;
            }
            GroupedAggregation all = newAggregation();
            for (StateEntry e : entries) {
                all.addState(e.key(), e.value());
            }
            try (VectorSchemaRoot rows = VectorSchemaRoot.create(outputSchema.toArrowSchema(), allocator)) {
                rows.allocateNew();
                all.writeResults(rows);
                TimeStampMilliVector starts = (TimeStampMilliVector) rows.getVector(windowKey);
                int[] closed = new int[rows.getRowCount()];
                int count = 0;
                for (int g = 0; g < rows.getRowCount(); g++) {
                    if (!starts.isNull(g) && starts.get(g) + windowMillis <= watermark) {
                        closed[count++] = g;
                        store.remove(all.key(g));
                    }
                }
                if (count == 0) {
                    return null;
                }
                BitSet columns = new BitSet();
                columns.set(0, outputSchema.size());
                return RowSelection.of(closed, count).compact(rows, columns, allocator);
            }
        }

        GroupedAggregation newAggregation() {
            List<ColumnType> types = keySchema.columns().stream().map(Column::type).toList();
            return new GroupedAggregation(types, calls, retracting);
        }

        /** Whether the input rows can be deleted (see the constructor). */
        public boolean retracting() {
            return retracting;
        }

        /** The group-key columns: the key schema of the state store. */
        public RowSchema keySchema() {
            return keySchema;
        }

        /** The state store's value schema (what its fingerprint covers). */
        public RowSchema stateValueSchema() {
            return stateValueSchema;
        }

        /** What PARTIAL emits and FINAL reads: key columns, then each aggregate's partial-state columns. */
        public Schema partialSchema() {
            return partialSchema;
        }

        /** What FINAL emits: key columns, then one column per aggregate. */
        public RowSchema outputSchema() {
            return outputSchema;
        }

        public List<AggregateCall> calls() {
            return calls;
        }

        public OutputMode outputMode() {
            return outputMode;
        }

        /** A PARTIAL operator for one task, allocating its output from {@code allocator}. */
        public HashAggregateOperator createPartial(BufferAllocator allocator) {
            return new HashAggregateOperator(this, Step.PARTIAL, allocator, null);
        }

        /**
         * A FINAL operator for one batch that merges into {@code store} (open at the last committed batch; the
         * caller commits or aborts it after {@link #getOutput}), allocating its output from {@code allocator}.
         */
        public HashAggregateOperator createFinal(BufferAllocator allocator, StateStore store) {
            return createFinal(allocator, store, false);
        }

        /**
         * As {@link #createFinal(BufferAllocator, StateStore)}; over a {@link #retracting} aggregation,
         * {@code retractPrevious} makes it a changelog: besides the new rows of the changed groups
         * ({@link #getOutput}), the previous rows they replace ({@link #getDeletes}), and a group whose row did
         * not change is left out of both. Without it, {@link #getDeletes} has only the previous rows of the
         * groups that became empty.
         */
        public HashAggregateOperator createFinal(BufferAllocator allocator, StateStore store, boolean retractPrevious) {
            HashAggregateOperator op = new HashAggregateOperator(this, Step.FINAL, allocator,
                    requireNonNull(store, "store is null"));
            op.retractPrevious = retractPrevious;
            return op;
        }
    }

    private final Factory factory;
    private final Step step;
    private final BufferAllocator allocator;
    private final StateStore store;
    private GroupedAggregation groups;
    private boolean finishing;
    private VectorSchemaRoot output;
    private VectorSchemaRoot deletes;
    private boolean retractPrevious;
    private boolean outputTaken;
    private long inputRows;

    private HashAggregateOperator(Factory factory, Step step, BufferAllocator allocator, StateStore store) {
        this.factory = factory;
        this.step = step;
        this.allocator = requireNonNull(allocator, "allocator is null");
        this.store = store;
        this.groups = factory.newAggregation();
    }

    /** The Arrow schema of the batch {@link #getOutput} returns. */
    public Schema outputSchema() {
        return step == Step.PARTIAL ? factory.partialSchema : factory.outputSchema.toArrowSchema();
    }

    /**
     * Aggregates one batch: raw rows (PARTIAL) or partial states (FINAL). The input stays the caller's.
     *
     * @throws IllegalStateException after {@link #finish}
     * @throws ArithmeticException if an integer SUM overflows BIGINT, naming the aggregate
     */
    public void addInput(VectorSchemaRoot input) {
        addInput(input, null);
    }

    /**
     * As {@link #addInput(VectorSchemaRoot)}, with each raw row's weight (PARTIAL only; -1 deletes the row) or
     * null for inserts only.
     *
     * @throws IllegalStateException if a row is deleted from an aggregation that is not {@link Factory#retracting}
     */
    public void addInput(VectorSchemaRoot input, IntVector weights) {
        if (weights != null && step != Step.PARTIAL) {
            throw new IllegalArgumentException("the FINAL step merges partial states, which carry no weights");
        }
        if (finishing) {
            throw new IllegalStateException(this + " is finishing and takes no more input");
        }
        inputRows += input.getRowCount();
        if (step == Step.PARTIAL && factory.window.isPresent() && factory.window.get().windowsPerRow() > 1) {
            addToEachHoppingWindow(input, factory.window.get());
        } else if (step == Step.PARTIAL) {
            groups.addInput(input, factory.groupChannels, weights);
        } else {
            groups.addPartial(input);
        }
    }

    /**
     * Adds each row to every hopping window it belongs to: the window key holds the latest window's start;
     * pass {@code j} groups the rows under the start {@code j} slides earlier.
     */
    private void addToEachHoppingWindow(VectorSchemaRoot input, AggregateNode.Window window) {
        int rows = input.getRowCount();
        groups.addInput(input, factory.groupChannels);
        int startChannel = factory.groupChannels[window.key()];
        int endChannel = window.endKey() >= 0 ? factory.groupChannels[window.endKey()] : -1;
        List<org.apache.arrow.vector.FieldVector> vectors = new ArrayList<>(input.getFieldVectors());
        try (TimeStampMilliVector start = new TimeStampMilliVector(input.getVector(startChannel).getField(), allocator);
             TimeStampMilliVector end = new TimeStampMilliVector(input.getVector(startChannel).getField(), allocator)) {
            start.allocateNew(rows);
            vectors.set(startChannel, start);
            if (endChannel >= 0) {
                end.allocateNew(rows);
                vectors.set(endChannel, end);
            }
            VectorSchemaRoot shifted = new VectorSchemaRoot(input.getSchema().getFields(), vectors, rows);
            for (int j = 1; j < window.windowsPerRow(); j++) {
                long shift = j * window.slideMillis();
                shift((TimeStampMilliVector) input.getVector(startChannel), start, shift, rows);
                if (endChannel >= 0) {
                    shift((TimeStampMilliVector) input.getVector(endChannel), end, shift, rows);
                }
                groups.addInput(shifted, factory.groupChannels);
            }
        }
    }

    /** {@code to} = {@code from} minus {@code shift}, NULLs kept. */
    private static void shift(TimeStampMilliVector from, TimeStampMilliVector to, long shift, int rows) {
        for (int row = 0; row < rows; row++) {
            if (from.isNull(row)) {
                to.setNull(row);
            } else {
                to.set(row, from.get(row) - shift);
            }
        }
        to.setValueCount(rows);
    }

    /** No more input: builds the output (FINAL: after writing every changed group to the store). */
    public void finish() {
        if (finishing) {
            return;
        }
        finishing = true;
        if (step == Step.PARTIAL) {
            output = build(factory.partialSchema, groups.groupCount(), groups::writePartial);
        } else if (factory.retracting || retractPrevious) {
            finishRetracting();
        } else {
            mergeWithStore();
            if (factory.outputMode == OutputMode.COMPLETE) {
                groups = allGroupsInStore();
            }
            output = build(factory.outputSchema.toArrowSchema(), groups.groupCount(), groups::writeResults);
        }
        groups = null;
    }

    private void mergeWithStore() {
        for (int g = 0; g < groups.groupCount(); g++) {
            byte[] key = groups.key(g);
            byte[] stored = store.get(key);
            if (stored != null) {
                groups.mergeState(g, stored);
            }
            store.put(key, groups.state(g));
        }
    }

    /**
     * The FINAL step over a retracting aggregation, or one that emits retractions: merges each changed group with its stored state, removes
     * the groups left without rows, and picks the rows to emit (see {@link Factory#createFinal(BufferAllocator,
     * StateStore, boolean)}).
     */
    private void finishRetracting() {
        int count = groups.groupCount();
        GroupedAggregation before = factory.newAggregation();
        int[] beforeOf = new int[count];
        boolean[] alive = new boolean[count];
        for (int g = 0; g < count; g++) {
            byte[] key = groups.key(g);
            byte[] stored = store.get(key);
            beforeOf[g] = -1;
            if (stored != null) {
                int b = before.addKey(key);
                before.mergeState(b, stored);
                groups.mergeState(g, stored);
                beforeOf[g] = b;
            }
            long rows = factory.retracting ? groups.rowCount(g) : 1;  // append-only: groups never empty
            if (rows < 0) {
                throw new IllegalStateException("The aggregation over " + factory.keySchema.names() + " got more "
                        + "deleted rows than inserted ones for a group (" + rows + " rows): its input retracted a row "
                        + "it never emitted");
            }
            alive[g] = rows > 0;
            if (alive[g]) {
                store.put(key, groups.state(g));
            } else if (stored != null) {
                store.remove(key);
            }
        }
        if (factory.outputMode == OutputMode.COMPLETE) {
            GroupedAggregation all = allGroupsInStore();
            output = build(factory.outputSchema.toArrowSchema(), all.groupCount(), all::writeResults);
            return;
        }
        Schema schema = factory.outputSchema.toArrowSchema();
        VectorSchemaRoot previous = build(schema, before.groupCount(), before::writeResults);
        VectorSchemaRoot current = build(schema, count, groups::writeResults);
        try {
            int[] deleted = new int[before.groupCount()];
            int[] inserted = new int[count];
            int deletes = 0;
            int inserts = 0;
            for (int g = 0; g < count; g++) {
                int b = beforeOf[g];
                if (alive[g]) {
                    if (b >= 0 && retractPrevious && sameRow(previous, b, current, g)) {
                        continue;  // the group's row did not change: nothing to take back or emit
                    }
                    inserted[inserts++] = g;
                    if (b >= 0 && retractPrevious) {
                        deleted[deletes++] = b;
                    }
                } else if (b >= 0) {
                    deleted[deletes++] = b;
                }
            }
            this.deletes = select(previous, deleted, deletes);
            previous = null;
            this.output = select(current, inserted, inserts);
            current = null;
        } finally {
            if (previous != null) {
                previous.close();
            }
            if (current != null) {
                current.close();
            }
        }
    }

    private static boolean sameRow(VectorSchemaRoot a, int rowA, VectorSchemaRoot b, int rowB) {
        for (int c = 0; c < a.getFieldVectors().size(); c++) {
            RangeEqualsVisitor equals = new RangeEqualsVisitor(a.getVector(c), b.getVector(c));
            if (!equals.rangeEquals(new Range(rowA, rowB, 1))) {
                return false;
            }
        }
        return true;
    }

    /** Rows {@code positions[0 .. count)} of {@code rows} (which this closes), or null for none. */
    private VectorSchemaRoot select(VectorSchemaRoot rows, int[] positions, int count) {
        if (rows == null || count == rows.getRowCount()) {
            return rows;
        }
        try (rows) {
            if (count == 0) {
                return null;
            }
            BitSet columns = new BitSet();
            columns.set(0, rows.getFieldVectors().size());
            return RowSelection.of(positions, count).compact(rows, columns, allocator);
        }
    }

    /** Every group of the store, in encoded-key order so the output does not depend on hash map order. */
    private GroupedAggregation allGroupsInStore() {
        List<StateEntry> entries = new ArrayList<>();
        for (Iterator<StateEntry> it = store.iterator(); it.hasNext(); ) {
            entries.add(it.next());
        }
        entries.sort((a, b) -> Arrays.compareUnsigned(a.key(), b.key()));
        GroupedAggregation all = factory.newAggregation();
        for (StateEntry e : entries) {
            all.addState(e.key(), e.value());
        }
        if (all.groupCount() == 0 && factory.groupChannels.length == 0) {
            all.addKey(new byte[0]);
        }
        return all;
    }

    private interface Writer {
        void writeTo(VectorSchemaRoot root);
    }

    private VectorSchemaRoot build(Schema schema, int rows, Writer writer) {
        if (rows == 0) {
            return null;
        }
        VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
        try {
            root.allocateNew();
            writer.writeTo(root);
            return root;
        } catch (RuntimeException | Error e) {
            root.close();
            throw e;
        }
    }

    /**
     * The output after {@link #finish}, once: a batch the caller closes, or null if there is none (no groups,
     * not finished yet, or already taken).
     */
    public VectorSchemaRoot getOutput() {
        if (!finishing || outputTaken) {
            return null;
        }
        outputTaken = true;
        VectorSchemaRoot result = output;
        output = null;
        return result;
    }

    /**
     * After {@link #finish} of a FINAL step over a retracting aggregation, once: the previous rows of groups
     * that changed (all of them with {@code retractPrevious}, else those of the groups that became empty), a
     * batch the caller closes; or null if there are none.
     */
    public VectorSchemaRoot getDeletes() {
        VectorSchemaRoot result = deletes;
        deletes = null;
        return result;
    }

    /** Finished and its output taken. */
    public boolean isFinished() {
        return finishing && outputTaken;
    }

    /** Rows added so far. */
    public long inputRows() {
        return inputRows;
    }

    /** Releases the output if it was never taken. */
    @Override
    public void close() {
        if (output != null) {
            output.close();
            output = null;
        }
        if (deletes != null) {
            deletes.close();
            deletes = null;
        }
        groups = null;
    }

    @Override
    public String toString() {
        return "HashAggregate(" + step + ", keys=" + factory.keySchema.names() + ", aggregates=" + factory.calls
                + (step == Step.FINAL ? ", mode=" + factory.outputMode : "") + ")";
    }
}
