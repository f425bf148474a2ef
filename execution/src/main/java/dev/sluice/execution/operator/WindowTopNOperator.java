package dev.sluice.execution.operator;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.changelog.ChangeBatch;
import dev.sluice.execution.changelog.ChangelogMode;
import dev.sluice.execution.plan.WindowTopNNode;
import dev.sluice.execution.state.RowCodec;
import dev.sluice.execution.state.StateEntry;
import dev.sluice.execution.state.StateSpec;
import dev.sluice.execution.state.StateStore;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.RowSchema;
import dev.sluice.execution.type.VectorValues;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs a {@link WindowTopNNode}: the Top-N of each window (and partition key) of a window table function's rows,
 * emitted once, when the watermark passes the window's end (Flink's window Top-N and window deduplication).
 *
 * <p>Per batch: the batch's rows are merged into the top kept for their partition key (window included), which
 * never holds more than the rows of its first {@code limit} ranks (ties of RANK and DENSE_RANK included), ties in
 * arrival order (earlier rows first, which a re-run batch repeats); then every partition whose window the input
 * watermark has passed is ranked, emitted as inserts and removed from the state. Rows behind the watermark never
 * come (the tasks drop them as late), so an emitted window is final: the output is append-only, its watermark the
 * input's.
 *
 * <p>State ({@code state/window-topn}): key, the partition columns (window included); value, the rows of its top.
 * Only windows still open are kept. Input: inserts only.
 */
public final class WindowTopNOperator implements StreamOperator {
    /** What every batch's window Top-N shares. */
    public static final class Factory implements StreamOperator.Factory {
        private final WindowTopNNode node;
        private final RowSchema inputSchema;
        private final RowSchema keySchema;

        public Factory(WindowTopNNode node) {
            this.node = requireNonNull(node, "node is null");
            this.inputSchema = node.input().schema();
            List<Column> keys = new ArrayList<>();
            for (int p : node.partition()) {
                Column c = inputSchema.column(p);
                keys.add(new Column(c.name(), c.type(), true));
            }
            this.keySchema = new RowSchema(keys);
        }

        @Override
        public RowSchema outputSchema() {
            return node.schema();
        }

        @Override
        public ChangelogMode changelogMode() {
            return ChangelogMode.APPEND;
        }

        /** Windows close by the watermark alone (a batch without input emits them), unless of processing time. */
        @Override
        public boolean usesWatermark() {
            return !node.processingTime();
        }

        @Override
        public Optional<StateSpec> state(String operatorId) {
            return Optional.of(new StateSpec(operatorId, keySchema, inputSchema));
        }

        @Override
        public String kind() {
            return "window-topn";
        }

        @Override
        public WindowTopNOperator create(OperatorContext context) {
            return new WindowTopNOperator(this, context);
        }

        @Override
        public String describe() {
            return node.describe() + ", emits each window's top once, when the watermark passes its end";
        }
    }

    private final Factory factory;
    private final OperatorContext context;
    private final RowOrdering ordering;
    /** The batch's rows per partition key, in arrival order. */
    private final Map<List<Object>, List<List<Object>>> newRows = new LinkedHashMap<>();

    private WindowTopNOperator(Factory factory, OperatorContext context) {
        this.factory = factory;
        this.context = context;
        this.ordering = new RowOrdering(factory.node.order());
        context.requireState();
    }

    @Override
    public List<ChangeBatch> add(int input, ChangeBatch batch) {
        try (batch) {
            if (!batch.isInsertOnly()) {
                throw new IllegalStateException("A window Top-N got deleted rows; it is planned over inserts only");
            }
            for (List<Object> row : VectorValues.rows(batch.rows())) {
                List<Object> key = new ArrayList<>(factory.node.partition().size());
                factory.node.partition().forEach(p -> key.add(row.get(p)));
                newRows.computeIfAbsent(key, k -> new ArrayList<>()).add(row);
            }
        }
        return List.of();
    }

    @Override
    public List<ChangeBatch> finish() {
        StateStore store = context.requireState();
        for (Map.Entry<List<Object>, List<List<Object>>> e : newRows.entrySet()) {
            byte[] key = RowCodec.encode(e.getKey(), factory.keySchema);
            byte[] stored = store.get(key);
            List<List<Object>> candidates = new ArrayList<>(stored == null ? List.of()
                    : RowCodec.decodeRows(stored, factory.inputSchema));
            candidates.addAll(e.getValue());  // after the kept rows: ties keep arrival order
            List<List<Object>> kept = new ArrayList<>();
            top(candidates).forEach(r -> kept.add(r.subList(0, r.size() - 1)));
            store.put(key, RowCodec.encodeRows(kept, factory.inputSchema));
        }
        newRows.clear();
        // Over processing time, the batch's (logged) time is the watermark: later rows all get a later time.
        long watermark = factory.node.processingTime() ? context.batchTimestampMillis() : context.watermark();
        if (watermark == Long.MIN_VALUE) {
            return List.of();
        }
        // The windows the watermark has passed, in key order so that the output does not depend on hash order.
        List<StateEntry> closed = new ArrayList<>();
        for (Iterator<StateEntry> it = store.iterator(); it.hasNext(); ) {
            StateEntry entry = it.next();
            List<Object> key = RowCodec.decode(entry.key(), factory.keySchema);
            Object time = key.get(factory.node.closeKey());
            if (time != null && VectorValues.toEpochMillis((LocalDateTime) time) + factory.node.closeDelayMillis()
                    <= watermark) {
                closed.add(entry);
            }
        }
        closed.sort((a, b) -> Arrays.compareUnsigned(a.key(), b.key()));
        List<List<Object>> out = new ArrayList<>();
        for (StateEntry entry : closed) {
            out.addAll(top(RowCodec.decodeRows(entry.value(), factory.inputSchema)));
            store.remove(entry.key());
        }
        if (out.isEmpty()) {
            return List.of();
        }
        return List.of(ChangeBatch.inserts(VectorValues.toBatch(factory.node.schema(), out, context.allocator())));
    }

    /** The rows of the first {@code limit} ranks, sorted (stable), each with its rank appended. */
    private List<List<Object>> top(List<List<Object>> rows) {
        List<List<Object>> sorted = new ArrayList<>(rows);
        sorted.sort(ordering);
        List<List<Object>> out = new ArrayList<>();
        long rank = 0;
        long dense = 0;
        for (int i = 0; i < sorted.size(); i++) {
            boolean tie = i > 0 && ordering.compare(sorted.get(i - 1), sorted.get(i)) == 0;
            if (!tie) {
                rank = i + 1;
                dense++;
            }
            long r = switch (factory.node.function()) {
                case ROW_NUMBER -> i + 1;
                case RANK -> rank;
                case DENSE_RANK -> dense;
            };
            if (r > factory.node.limit()) {
                break;
            }
            List<Object> row = new ArrayList<>(sorted.get(i));
            row.add(r);
            out.add(row);
        }
        return out;
    }
}
