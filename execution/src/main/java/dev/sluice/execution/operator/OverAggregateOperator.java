package dev.sluice.execution.operator;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.aggregate.AggregateCall;
import dev.sluice.execution.aggregate.GroupedAggregation;
import dev.sluice.execution.changelog.ChangeBatch;
import dev.sluice.execution.changelog.ChangelogMode;
import dev.sluice.execution.state.ByteArrayReader;
import dev.sluice.execution.state.ByteArrayWriter;
import dev.sluice.execution.state.RowCodec;
import dev.sluice.execution.state.StateEntry;
import dev.sluice.execution.state.StateSpec;
import dev.sluice.execution.state.StateStore;
import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.RowSchema;
import dev.sluice.execution.type.VectorValues;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * An OVER aggregation ({@code OverAggregateNode}): each input row once, with its aggregates over its frame.
 *
 * <p>On a stream, rows wait in the state (per partition key: the time up to which rows were emitted, and the
 * rows not emitted yet or still in a frame to come) until the watermark passes their time; then they are
 * emitted in time order, each with the aggregates of its frame, and rows no later frame can reach leave the
 * state. In a bounded query (one batch) every row is emitted at the end, nothing kept. The aggregates are the
 * registry's ({@link GroupedAggregation}), computed over each frame. Input: inserts only; output: inserts.
 */
public final class OverAggregateOperator implements StreamOperator {
    /** What every batch shares. */
    public static final class Factory implements StreamOperator.Factory {
        private final RowSchema inputSchema;
        private final List<Integer> partition;
        private final int orderColumn;
        private final boolean rows;
        private final long preceding;
        private final List<AggregateCall> calls;
        private final RowSchema outputSchema;
        private final boolean bounded;
        private final RowSchema keySchema;
        private final String description;

        /**
         * @param preceding how far back the frame reaches: rows (ROWS) or milliseconds (RANGE); -1 for the
         *     partition's first row (bounded queries only)
         * @param bounded whether the query is one batch over all its input
         */
        public Factory(RowSchema inputSchema, List<Integer> partition, int orderColumn, boolean rows, long preceding,
                       List<AggregateCall> calls, RowSchema outputSchema, boolean bounded, String description) {
            this.inputSchema = requireNonNull(inputSchema, "inputSchema is null");
            this.partition = List.copyOf(partition);
            this.orderColumn = orderColumn;
            this.rows = rows;
            this.preceding = preceding;
            this.calls = List.copyOf(calls);
            this.outputSchema = requireNonNull(outputSchema, "outputSchema is null");
            this.bounded = bounded;
            this.description = requireNonNull(description, "description is null");
            ColumnType order = inputSchema.column(orderColumn).type();
            if (order != ColumnType.TIMESTAMP && (!bounded || (order != ColumnType.BIGINT && order != ColumnType.INTEGER))) {
                throw new IllegalArgumentException("An OVER window orders by " + (bounded ? "a TIMESTAMP or a number"
                        : "a TIMESTAMP (the event time)") + ", not '" + inputSchema.column(orderColumn).name() + "' "
                        + order);
            }
            if (!bounded && preceding < 0) {
                throw new IllegalArgumentException("An OVER window on a stream needs a bounded frame (e.g. RANGE BETWEEN "
                        + "INTERVAL '1' HOUR PRECEDING AND CURRENT ROW, or ROWS BETWEEN 10 PRECEDING AND CURRENT ROW): "
                        + "from the partition's first row, its state would grow forever");
            }
            this.keySchema = PartitionedRows.keySchema(inputSchema, this.partition);
        }

        @Override
        public RowSchema outputSchema() {
            return outputSchema;
        }

        @Override
        public ChangelogMode changelogMode() {
            return ChangelogMode.APPEND;
        }

        @Override
        public boolean usesWatermark() {
            return !bounded;
        }

        @Override
        public Optional<StateSpec> state(String operatorId) {
            return bounded ? Optional.empty() : Optional.of(new StateSpec(operatorId, keySchema, inputSchema));
        }

        @Override
        public String kind() {
            return bounded ? "stateless" : "over";
        }

        @Override
        public OverAggregateOperator create(OperatorContext context) {
            return new OverAggregateOperator(this, context);
        }

        @Override
        public String describe() {
            return description + (bounded ? "" : ", each row emitted once the watermark passes its time");
        }
    }

    private final Factory factory;
    private final OperatorContext context;
    private final PartitionedRows newRows;

    private OverAggregateOperator(Factory factory, OperatorContext context) {
        this.factory = factory;
        this.context = context;
        this.newRows = new PartitionedRows(factory.partition, "An OVER aggregation");
    }

    @Override
    public List<ChangeBatch> add(int input, ChangeBatch batch) {
        newRows.add(batch);
        return List.of();
    }

    @Override
    public List<ChangeBatch> finish() {
        List<List<Object>> out = new ArrayList<>();
        if (factory.bounded) {
            newRows.byKey().values().forEach(rows -> emit(sorted(rows), Long.MIN_VALUE, Long.MAX_VALUE, out));
        } else {
            finishStream(out);
        }
        newRows.clear();
        if (out.isEmpty()) {
            return List.of();
        }
        return List.of(ChangeBatch.inserts(VectorValues.toBatch(factory.outputSchema, out, context.allocator())));
    }

    /**
     * Every partition with new rows or rows waiting: emits those the watermark has passed, keeps what a later
     * frame may still need. (Each batch visits the waiting partitions: the watermark may free any of them.)
     */
    private void finishStream(List<List<Object>> out) {
        StateStore store = context.requireState();
        long watermark = context.watermark();
        Map<List<Object>, byte[]> touched = new LinkedHashMap<>();
        for (Iterator<StateEntry> it = store.iterator(); it.hasNext(); ) {
            StateEntry e = it.next();
            touched.put(RowCodec.decode(e.key(), factory.keySchema), e.value());
        }
        for (List<Object> key : newRows.byKey().keySet()) {
            touched.putIfAbsent(key, null);
        }
        for (Map.Entry<List<Object>, byte[]> e : touched.entrySet()) {
            long emittedBefore = Long.MIN_VALUE;
            List<List<Object>> rows = new ArrayList<>();
            if (e.getValue() != null) {
                ByteArrayReader in = new ByteArrayReader(e.getValue());
                emittedBefore = in.readLong();
                rows.addAll(RowCodec.decodeRows(in.readBytes(in.readVarInt()), factory.inputSchema));
            }
            rows.addAll(newRows.byKey().getOrDefault(e.getKey(), List.of()));
            rows = sorted(rows);
            // A row may come as late as the watermark itself: only rows before it are complete with their peers.
            long emitBefore = watermark;
            emit(rows, emittedBefore, emitBefore, out);
            long emitted = Math.max(emittedBefore, emitBefore);
            List<List<Object>> kept = keep(rows, emitted);
            byte[] key = RowCodec.encode(e.getKey(), factory.keySchema);
            if (kept.isEmpty()) {
                store.remove(key);
            } else {
                byte[] encoded = RowCodec.encodeRows(kept, factory.inputSchema);
                store.put(key, new ByteArrayWriter().writeLong(emitted).writeVarInt(encoded.length).writeBytes(encoded)
                        .toByteArray());
            }
        }
    }

    /** The rows a frame of a row at or after {@code emitted} may reach, and those not emitted yet. */
    private List<List<Object>> keep(List<List<Object>> rows, long emitted) {
        if (factory.rows) {
            int firstPending = rows.size();
            for (int i = 0; i < rows.size(); i++) {
                if (time(rows.get(i)) >= emitted) {
                    firstPending = i;
                    break;
                }
            }
            return new ArrayList<>(rows.subList((int) Math.max(0, firstPending - factory.preceding), rows.size()));
        }
        long from = emitted == Long.MIN_VALUE ? Long.MIN_VALUE : emitted - factory.preceding;
        return new ArrayList<>(rows.stream().filter(r -> time(r) >= from).toList());
    }

    /** Emits the rows with a time in {@code [from, before)}, each with its frame's aggregates. */
    private void emit(List<List<Object>> rows, long from, long before, List<List<Object>> out) {
        if (rows.isEmpty()) {
            return;
        }
        try (VectorSchemaRoot all = VectorValues.toBatch(factory.inputSchema, rows, context.allocator())) {
            RowSchema results = new RowSchema(factory.calls.stream().map(AggregateCall::outputColumn).toList());
            for (int i = 0; i < rows.size(); i++) {
                long t = time(rows.get(i));
                if (t < from || t >= before) {
                    continue;
                }
                int last = i;
                if (!factory.rows) {
                    while (last + 1 < rows.size() && time(rows.get(last + 1)) == t) {
                        last++;  // RANGE: the row's peers are in its frame
                    }
                }
                int first = frameStart(rows, i, t);
                List<Object> row = new ArrayList<>(rows.get(i));
                row.addAll(aggregate(all, first, last - first + 1, results));
                out.add(row);
            }
        }
    }

    private int frameStart(List<List<Object>> rows, int i, long t) {
        if (factory.preceding < 0) {
            return 0;
        }
        if (factory.rows) {
            return (int) Math.max(0, i - factory.preceding);
        }
        int first = i;
        while (first > 0 && time(rows.get(first - 1)) >= t - factory.preceding) {
            first--;
        }
        return first;
    }

    /** The aggregates over rows {@code [first, first + count)} of {@code all}. */
    private List<Object> aggregate(VectorSchemaRoot all, int first, int count, RowSchema results) {
        GroupedAggregation frame = new GroupedAggregation(List.of(), factory.calls);
        try (VectorSchemaRoot slice = all.slice(first, count);
             VectorSchemaRoot result = VectorSchemaRoot.create(results.toArrowSchema(), context.allocator())) {
            frame.addInput(slice, new int[0]);
            result.allocateNew();
            frame.writeResults(result);
            return VectorValues.rows(result).get(0);
        }
    }

    /** The rows in time order; rows of one time keep their order (arrival, then as stored). */
    private List<List<Object>> sorted(List<List<Object>> rows) {
        List<List<Object>> sorted = new ArrayList<>(rows);
        sorted.sort(Comparator.comparingLong(this::time));
        return sorted;
    }

    /**
     * A row's order value: a TIMESTAMP's epoch milliseconds (a number's value, in a bounded query); NULL sorts
     * first and is in every frame that starts at the partition's first row.
     */
    private long time(List<Object> row) {
        Object t = row.get(factory.orderColumn);
        if (t == null) {
            return Long.MIN_VALUE;
        }
        return t instanceof LocalDateTime time ? VectorValues.toEpochMillis(time) : ((Number) t).longValue();
    }
}
