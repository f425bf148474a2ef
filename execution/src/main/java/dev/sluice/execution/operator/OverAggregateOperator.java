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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMilliVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * An OVER aggregation ({@code OverAggregateNode}): each input row once, with its aggregates over its frame.
 *
 * <p>On a stream, rows wait in the state (per partition key: the time up to which rows were emitted, and the
 * rows not emitted yet or still in a frame to come) until the watermark passes their time; then they are
 * emitted in time order, each with the aggregates of its frame, and rows no later frame can reach leave the
 * state. In a bounded query (one batch) every row is emitted at the end, nothing kept. The aggregates are the
 * registry's ({@link GroupedAggregation}), computed over each frame. Input: inserts only; output: inserts.
 *
 * <p>Rows stay columnar: the batch's rows in their input vectors, grouped by a partition key hashed from them
 * ({@link PartitionedRows}); the rows kept in the state encoded ({@link RowCodec}). A partition's rows are
 * copied into one batch in time order, emitted from it, and the rows to keep encoded from it.
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
    private final ColumnType[] types;
    private final ByteArrayWriter scratch = new ByteArrayWriter();

    private OverAggregateOperator(Factory factory, OperatorContext context) {
        this.factory = factory;
        this.context = context;
        this.newRows = new PartitionedRows(factory.partition, "An OVER aggregation");
        this.types = RowCodec.types(factory.inputSchema);
    }

    @Override
    public List<ChangeBatch> add(int input, ChangeBatch batch) {
        newRows.add(batch);
        return List.of();
    }

    @Override
    public List<ChangeBatch> finish() {
        try (ChangeBatchBuilder out = new ChangeBatchBuilder(factory.outputSchema, context.allocator())) {
            if (factory.bounded) {
                for (PartitionedRows.Rows rows : newRows.byKey().values()) {
                    try (VectorSchemaRoot sorted = sorted(null, 0, 0, rows)) {
                        emit(sorted, Long.MIN_VALUE, Long.MAX_VALUE, out);
                    }
                }
            } else {
                finishStream(out);
            }
            return out.build(false);
        }
    }

    @Override
    public void close() {
        newRows.close();
    }

    /**
     * Every partition with new rows or rows waiting: emits those the watermark has passed, keeps what a later
     * frame may still need. (Each batch looks at the waiting partitions: the watermark may free any of them; one
     * without new rows whose rows the watermark did not pass stays as it is, undecoded.)
     */
    private void finishStream(ChangeBatchBuilder out) {
        StateStore store = context.requireState();
        long watermark = context.watermark();
        Map<EncodedKey, byte[]> touched = new LinkedHashMap<>();
        for (Iterator<StateEntry> it = store.iterator(); it.hasNext(); ) {
            StateEntry e = it.next();
            touched.put(new EncodedKey(e.key()), e.value());
        }
        for (EncodedKey key : newRows.byKey().keySet()) {
            touched.putIfAbsent(key, null);
        }
        for (Map.Entry<EncodedKey, byte[]> e : touched.entrySet()) {
            long emittedBefore = Long.MIN_VALUE;
            byte[] value = e.getValue();
            int storedStart = 0;
            int storedLength = 0;
            if (value != null) {
                ByteArrayReader in = new ByteArrayReader(value);
                emittedBefore = in.readLong();
                storedLength = in.readVarInt();
                storedStart = in.skip(storedLength);
            }
            PartitionedRows.Rows fresh = newRows.byKey().get(e.getKey());
            // A row may come as late as the watermark itself: only rows before it are complete with their peers.
            long emitBefore = watermark;
            if (fresh == null && emitBefore <= emittedBefore) {
                continue;  // nothing to emit, and the rows kept stay the same
            }
            try (VectorSchemaRoot rows = sorted(value, storedStart, storedLength, fresh)) {
                emit(rows, emittedBefore, emitBefore, out);
                long emitted = Math.max(emittedBefore, emitBefore);
                int from = keepFrom(rows, emitted);
                if (from == rows.getRowCount()) {
                    store.remove(e.getKey().bytes());
                } else {
                    ByteArrayWriter kept = new ByteArrayWriter();
                    kept.writeVarInt(rows.getRowCount() - from);
                    List<FieldVector> vectors = rows.getFieldVectors();
                    for (int r = from; r < rows.getRowCount(); r++) {
                        scratch.reset();
                        RowCodec.write(vectors, r, scratch);
                        kept.writeVarInt(scratch.size()).writeBytes(scratch.buffer(), 0, scratch.size());
                    }
                    store.put(e.getKey().bytes(), new ByteArrayWriter(kept.size() + 13).writeLong(emitted)
                            .writeVarInt(kept.size()).writeBytes(kept.buffer(), 0, kept.size()).toByteArray());
                }
            }
        }
    }

    /**
     * The first of the sorted rows that a frame of a row at or after {@code emitted} may reach, or that is not
     * emitted yet: the rows from there on are kept.
     */
    private int keepFrom(VectorSchemaRoot rows, long emitted) {
        FieldVector order = rows.getVector(factory.orderColumn);
        int n = rows.getRowCount();
        if (factory.rows) {
            int firstPending = n;
            for (int i = 0; i < n; i++) {
                if (time(order, i) >= emitted) {
                    firstPending = i;
                    break;
                }
            }
            return (int) Math.max(0, firstPending - factory.preceding);
        }
        long from = emitted == Long.MIN_VALUE ? Long.MIN_VALUE : emitted - factory.preceding;
        int i = 0;
        while (i < n && time(order, i) < from) {
            i++;
        }
        return i;
    }

    /** Emits the sorted rows with a time in {@code [from, before)}, each with its frame's aggregates. */
    private void emit(VectorSchemaRoot rows, long from, long before, ChangeBatchBuilder out) {
        int n = rows.getRowCount();
        if (n == 0) {
            return;
        }
        FieldVector order = rows.getVector(factory.orderColumn);
        long[] times = new long[n];
        for (int i = 0; i < n; i++) {
            times[i] = time(order, i);
        }
        RowSchema results = new RowSchema(factory.calls.stream().map(AggregateCall::outputColumn).toList());
        int width = factory.inputSchema.size();
        for (int i = 0; i < n; i++) {
            long t = times[i];
            if (t < from || t >= before) {
                continue;
            }
            int last = i;
            if (!factory.rows) {
                while (last + 1 < n && times[last + 1] == t) {
                    last++;  // RANGE: the row's peers are in its frame
                }
            }
            int first = frameStart(times, i, t);
            out.copyRow(0, rows, i);
            aggregate(rows, first, last - first + 1, results, out, width);
            out.endRow(1);
        }
    }

    private int frameStart(long[] times, int i, long t) {
        if (factory.preceding < 0) {
            return 0;
        }
        if (factory.rows) {
            return (int) Math.max(0, i - factory.preceding);
        }
        int first = i;
        while (first > 0 && times[first - 1] >= t - factory.preceding) {
            first--;
        }
        return first;
    }

    /** Writes the aggregates over rows {@code [first, first + count)} of {@code all} from column {@code column} on. */
    private void aggregate(VectorSchemaRoot all, int first, int count, RowSchema results, ChangeBatchBuilder out,
                           int column) {
        GroupedAggregation frame = new GroupedAggregation(List.of(), factory.calls);
        try (VectorSchemaRoot slice = all.slice(first, count);
             VectorSchemaRoot result = VectorSchemaRoot.create(results.toArrowSchema(), context.allocator())) {
            frame.addInput(slice, new int[0]);
            result.allocateNew();
            frame.writeResults(result);
            for (int c = 0; c < results.size(); c++) {
                out.copy(column + c, result.getVector(c), 0);
            }
        }
    }

    /**
     * The partition's rows in time order, in a new batch: those kept in the state (encoded in
     * {@code stored[start, start + length)}, in time order) and then the batch's, copied from the input's
     * vectors; rows of one time keep their order (as stored, then arrival).
     */
    private VectorSchemaRoot sorted(byte[] stored, int start, int length, PartitionedRows.Rows fresh) {
        List<Integer> storedOffsets = new ArrayList<>();
        List<Long> storedTimes = new ArrayList<>();
        if (stored != null) {
            ByteArrayReader in = new ByteArrayReader(stored, start, length);
            int count = in.readVarInt();
            for (int i = 0; i < count; i++) {
                int rowStart = in.skip(in.readVarInt());
                storedOffsets.add(rowStart);
                int at = RowCodec.skip(stored, rowStart, types, 0, factory.orderColumn);
                storedTimes.add(RowCodec.isNull(stored, at) ? Long.MIN_VALUE : encodedTime(stored, at));
            }
        }
        int freshCount = fresh == null ? 0 : fresh.size();
        int n = storedOffsets.size() + freshCount;
        long[] times = new long[n];
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
            if (i < storedOffsets.size()) {
                times[i] = storedTimes.get(i);
            } else {
                int f = i - storedOffsets.size();
                times[i] = time(newRows.batch(fresh.batch(f)).getVector(factory.orderColumn), fresh.row(f));
            }
        }
        java.util.Arrays.sort(order, Comparator.comparingLong(i -> times[i]));  // stable
        VectorSchemaRoot root = VectorSchemaRoot.create(factory.inputSchema.toArrowSchema(), context.allocator());
        try {
            root.allocateNew();
            List<FieldVector> target = root.getFieldVectors();
            for (int r = 0; r < n; r++) {
                int i = order[r];
                if (i < storedOffsets.size()) {
                    int offset = storedOffsets.get(i);
                    for (int c = 0; c < types.length; c++) {
                        offset = RowCodec.read(stored, offset, types[c], target.get(c), r);
                    }
                } else {
                    int f = i - storedOffsets.size();
                    List<FieldVector> source = newRows.batch(fresh.batch(f)).getFieldVectors();
                    for (int c = 0; c < types.length; c++) {
                        target.get(c).copyFromSafe(fresh.row(f), r, source.get(c));
                    }
                }
            }
            root.setRowCount(n);
            return root;
        } catch (RuntimeException | Error e) {
            root.close();
            throw e;
        }
    }

    /** An encoded order value, not NULL: epoch milliseconds, or a number's value (bounded queries). */
    private long encodedTime(byte[] bytes, int offset) {
        return types[factory.orderColumn] == ColumnType.INTEGER ? RowCodec.readInt(bytes, offset)
                : RowCodec.readLong(bytes, offset);
    }

    /**
     * A row's order value: a TIMESTAMP's epoch milliseconds (a number's value, in a bounded query); NULL sorts
     * first and is in every frame that starts at the partition's first row.
     */
    private static long time(FieldVector order, int row) {
        if (order.isNull(row)) {
            return Long.MIN_VALUE;
        }
        if (order instanceof TimeStampMilliVector t) {
            return t.get(row);
        }
        if (order instanceof BigIntVector b) {
            return b.get(row);
        }
        return ((IntVector) order).get(row);
    }
}
