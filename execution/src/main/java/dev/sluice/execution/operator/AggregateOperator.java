package dev.sluice.execution.operator;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.aggregate.OutputMode;
import dev.sluice.execution.changelog.ChangeBatch;
import dev.sluice.execution.changelog.ChangelogMode;
import dev.sluice.execution.plan.AggregateNode;
import dev.sluice.execution.state.StateSpec;
import dev.sluice.execution.state.StateStore;
import dev.sluice.execution.type.RowSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * A streaming GROUP BY at the batch level: merges the batch's groups into the keyed state of the earlier
 * batches ({@link HashAggregateOperator}'s FINAL step) and emits what its output mode asks for. Its input is
 * either the partial groups the per-partition tasks computed ({@code partialInput}, the fast path when the
 * rows come straight from the tasks) or the rows another operator emitted (aggregated partially here).
 *
 * <p>Emits: in {@link OutputMode#UPDATE}, each changed group's new row (an upsert by the group key); in
 * {@link OutputMode#COMPLETE}, every group; in {@link OutputMode#APPEND} (a window with a watermark), each
 * window's rows once, when the watermark passes the window's end. With a window and a watermark, closed
 * windows leave the state in update and append mode (complete mode keeps every group, as in Spark).
 * Below another stateful operator, a GROUP BY without a window emits a retract changelog ({@code retract}):
 * for each group whose row the batch changed, a delete (-1) of its previous row if it had one and an insert
 * (+1) of its new one; only the delete when the group lost its last row.
 *
 * <p>Input: inserts, or inserts and deletes (rows with weights, from a retracting operator below) when the
 * aggregation is {@link HashAggregateOperator.Factory#retracting()}: each group then also counts its rows,
 * and leaves the state when none is left. A group emptied at the top of an update-mode query is emitted as
 * a delete of its last row, which the sink must take.
 *
 * <p>State: per group, the encoded key and every aggregate's state ({@code state/aggregate}), with the
 * group's row count first when retracting.
 */
public final class AggregateOperator implements StreamOperator {
    /** What every batch's aggregation shares. */
    public static final class Factory implements StreamOperator.Factory {
        private final HashAggregateOperator.Factory aggregate;
        private final OutputMode mode;
        private final Optional<AggregateNode.Window> window;
        private final boolean partialInput;
        private final boolean singleBatch;
        private final boolean retract;
        private final String description;

        /**
         * @param aggregate the aggregation (its output mode is ignored: {@code mode} decides what is emitted)
         * @param partialInput whether the input batches are partial groups ({@code aggregate}'s partial
         *     schema) rather than rows of its input schema
         * @param singleBatch whether the query is one batch over all its input (a bounded query): then every
         *     group it emits is final, an insert
         */
        public Factory(HashAggregateOperator.Factory aggregate, OutputMode mode, Optional<AggregateNode.Window> window,
                       boolean partialInput, boolean singleBatch, String description) {
            this(aggregate, mode, window, partialInput, singleBatch, false, description);
        }

        /**
         * As above; {@code retract} makes it emit a retract changelog (for an operator above it, which must see
         * each previous row taken back, or a filter over its groups): only in update mode.
         */
        public Factory(HashAggregateOperator.Factory aggregate, OutputMode mode, Optional<AggregateNode.Window> window,
                       boolean partialInput, boolean singleBatch, boolean retract, String description) {
            if (retract && (mode != OutputMode.UPDATE || singleBatch)) {
                throw new IllegalArgumentException("only a continuous GROUP BY in update mode emits retractions");
            }
            if (partialInput && aggregate.retracting()) {
                throw new IllegalArgumentException("partial groups from the tasks carry no deleted rows");
            }
            this.retract = retract;
            this.singleBatch = singleBatch;
            this.aggregate = requireNonNull(aggregate, "aggregate is null");
            this.mode = requireNonNull(mode, "mode is null");
            this.window = requireNonNull(window, "window is null");
            this.partialInput = partialInput;
            this.description = requireNonNull(description, "description is null");
            if (aggregate.outputMode() == OutputMode.APPEND) {
                throw new IllegalArgumentException("the merge step of an aggregation runs in update or complete mode");
            }
        }

        @Override
        public RowSchema outputSchema() {
            return aggregate.outputSchema();
        }

        @Override
        public ChangelogMode changelogMode() {
            if (retract) {
                return new ChangelogMode(ChangelogMode.Kind.RETRACT, List.of());
            }
            return mode == OutputMode.APPEND || singleBatch ? ChangelogMode.APPEND
                    : ChangelogMode.upsert(IntStream.range(0, aggregate.keySchema().size()).boxed().toList());
        }

        /**
         * Windows close (append emits them; update evicts them); complete mode keeps every group. Windows over
         * processing time close by the batches' times, not the watermark (nor is any row late for them).
         */
        @Override
        public boolean usesWatermark() {
            return window.isPresent() && !window.get().processingTime() && mode != OutputMode.COMPLETE;
        }

        @Override
        public Optional<StateSpec> state(String operatorId) {
            return Optional.of(new StateSpec(operatorId, aggregate.keySchema(), aggregate.stateValueSchema()));
        }

        @Override
        public String kind() {
            return "aggregate";
        }

        public OutputMode mode() {
            return mode;
        }

        /** Whether it emits a retract changelog (see the constructor). */
        public boolean retract() {
            return retract;
        }

        @Override
        public AggregateOperator create(OperatorContext context) {
            return new AggregateOperator(this, context);
        }

        @Override
        public String describe() {
            String input = aggregate.retracting() ? " (input rows may be deleted: state keeps a row count per "
                    + "group and, for MIN, MAX and COUNT(DISTINCT), a count per value)" : "";
            return description + input + ", emits " + (retract
                    ? "the previous row (-1) and the new row (+1) of each group the batch changed"
                    : switch (mode) {
                        case APPEND -> "each window once, when the watermark passes its end";
                        case UPDATE -> "the groups each batch changed";
                        case COMPLETE -> "every group, each batch";
                    });
        }
    }

    private final Factory factory;
    private final OperatorContext context;
    private final HashAggregateOperator merge;
    private HashAggregateOperator partial;

    private AggregateOperator(Factory factory, OperatorContext context) {
        this.factory = factory;
        this.context = context;
        this.merge = factory.aggregate.createFinal(context.allocator(), context.requireState(), factory.retract);
    }

    @Override
    public List<ChangeBatch> add(int input, ChangeBatch batch) {
        try (batch) {
            if (!factory.aggregate.retracting() && !batch.isInsertOnly()) {
                throw new IllegalStateException("An aggregation over " + factory.aggregate.keySchema().names()
                        + " planned over rows that are only inserted got deleted rows");
            }
            if (factory.partialInput) {
                merge.addInput(batch.rows());
            } else {
                if (partial == null) {
                    partial = factory.aggregate.createPartial(context.allocator());
                }
                partial.addInput(batch.rows(), batch.weights().orElse(null));
            }
        }
        return List.of();
    }

    @Override
    public List<ChangeBatch> finish() {
        if (partial != null) {
            partial.finish();
            try (VectorSchemaRoot groups = partial.getOutput()) {
                if (groups != null) {
                    merge.addInput(groups);
                }
            }
        }
        merge.finish();
        VectorSchemaRoot merged = merge.getOutput();
        VectorSchemaRoot deleted = merge.getDeletes();
        StateStore state = context.requireState();
        // Over processing time, the batch's (logged) time is the watermark: later rows all get a later time.
        long watermark = factory.window.map(AggregateNode.Window::processingTime).orElse(false)
                ? context.batchTimestampMillis() : context.watermark();
        // Windows the watermark has passed are final: append mode emits them now, update mode already did;
        // either way they leave the state (complete mode keeps every group, as in Spark).
        if (factory.window.isPresent() && watermark != Long.MIN_VALUE && factory.mode != OutputMode.COMPLETE) {
            AggregateNode.Window w = factory.window.get();
            VectorSchemaRoot closed = factory.aggregate.evictClosedWindows(state, w.closingKey(), w.closingDelayMillis(),
                    watermark, context.allocator());
            if (factory.mode == OutputMode.APPEND) {
                if (merged != null) {
                    merged.close();
                }
                merged = closed;
            } else if (closed != null) {
                closed.close();
            }
        } else if (factory.mode == OutputMode.APPEND && merged != null) {
            merged.close();  // no watermark yet: no window is final
            merged = null;
        }
        List<ChangeBatch> out = new ArrayList<>();
        if (deleted != null) {
            out.add(deletes(deleted));
        }
        if (merged != null) {
            out.add(ChangeBatch.inserts(merged));
        }
        return out;
    }

    /** {@code rows} as deleted rows: each with weight -1. */
    private ChangeBatch deletes(VectorSchemaRoot rows) {
        IntVector weights = new IntVector("$weight", context.allocator());
        try {
            int count = rows.getRowCount();
            weights.allocateNew(count);
            for (int r = 0; r < count; r++) {
                weights.set(r, -1);
            }
            weights.setValueCount(count);
            return ChangeBatch.of(rows, weights);
        } catch (RuntimeException | Error e) {
            weights.close();
            rows.close();
            throw e;
        }
    }

    @Override
    public void close() {
        merge.close();
        if (partial != null) {
            partial.close();
        }
    }
}
