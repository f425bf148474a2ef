package dev.sluice.execution.operator;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.changelog.ChangeBatch;
import dev.sluice.execution.changelog.ChangelogMode;
import dev.sluice.execution.state.ByteArrayReader;
import dev.sluice.execution.state.StateSpec;
import dev.sluice.execution.state.ByteArrayWriter;
import dev.sluice.execution.state.RowCodec;
import dev.sluice.execution.state.StateEntry;
import dev.sluice.execution.state.StateStore;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.RowSchema;
import dev.sluice.execution.type.VectorValues;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The batch-level step of a stream-stream join ({@code StreamJoinNode}): joins the batch's new rows of each
 * side with the other side's rows (kept in the state from earlier batches, and new), stores the new rows, and
 * drops from the state the rows the watermark has made unmatchable. One instance per batch.
 *
 * <p>State: one entry per kept row, keyed by (side, batch id, sequence), its value the row.
 */
public final class StreamJoinOperator implements StreamOperator {
    private static final int LEFT = 0;
    private static final int RIGHT = 1;
    /** The state's key columns: which side, the batch that brought the row, its position in that batch. */
    public static final RowSchema STATE_KEY_SCHEMA = new RowSchema(List.of(new Column("side", ColumnType.INTEGER, false),
            new Column("batch", ColumnType.BIGINT, false), new Column("seq", ColumnType.INTEGER, false)));

    /** What every batch's join shares: the sides' schemas, keys and time columns, and the time bound. */
    public static final class Factory implements StreamOperator.Factory {
        private final RowSchema leftSchema;
        private final RowSchema rightSchema;
        private final List<Integer> leftKeys;
        private final List<Integer> rightKeys;
        private final int leftTime;
        private final int rightTime;
        private final long lowerMillis;
        private final long upperMillis;
        private final RowSchema outputSchema;

        /** A join whose output is {@code outputSchema}: the left side's columns, then the right side's. */
        public Factory(RowSchema leftSchema, RowSchema rightSchema, List<Integer> leftKeys, List<Integer> rightKeys,
                       int leftTime, int rightTime, long lowerMillis, long upperMillis, RowSchema outputSchema) {
            this.outputSchema = requireNonNull(outputSchema, "outputSchema is null");
            this.leftSchema = requireNonNull(leftSchema, "leftSchema is null");
            this.rightSchema = requireNonNull(rightSchema, "rightSchema is null");
            this.leftKeys = List.copyOf(leftKeys);
            this.rightKeys = List.copyOf(rightKeys);
            this.leftTime = leftTime;
            this.rightTime = rightTime;
            this.lowerMillis = lowerMillis;
            this.upperMillis = upperMillis;
        }

        /** The state's values: a row of either side, as the columns of both (the other side's all NULL). */
        public RowSchema stateValueSchema() {
            List<Column> columns = new ArrayList<>(nullable(leftSchema));
            columns.addAll(nullable(rightSchema));
            return new RowSchema(columns);
        }

        @Override
        public RowSchema outputSchema() {
            return outputSchema;
        }

        @Override
        public ChangelogMode changelogMode() {
            return ChangelogMode.APPEND;
        }

        /**
         * A pair is emitted when its later row comes, which is at most the width of the time bound behind the
         * other row: the output's event times trail the input watermark by that much.
         */
        @Override
        public long watermarkDelayMillis() {
            return Math.max(0, Math.max(-lowerMillis, upperMillis));
        }

        /** Rows leave the state as the watermark passes their bound. */
        @Override
        public boolean usesWatermark() {
            return true;
        }

        @Override
        public Optional<StateSpec> state(String operatorId) {
            return Optional.of(new StateSpec(operatorId, STATE_KEY_SCHEMA, stateValueSchema()));
        }

        @Override
        public String kind() {
            return "join";
        }

        @Override
        public StreamJoinOperator create(OperatorContext context) {
            return new StreamJoinOperator(this, context);
        }

        @Override
        public String describe() {
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < leftKeys.size(); i++) {
                keys.add(leftSchema.column(leftKeys.get(i)).name() + " = " + rightSchema.column(rightKeys.get(i)).name());
            }
            return "StreamJoin(keys=" + keys + ", " + leftSchema.column(leftTime).name() + " BETWEEN "
                    + rightSchema.column(rightTime).name() + " + " + lowerMillis + " ms AND + " + upperMillis
                    + " ms, rows of both sides wait until the watermark passes their bound)";
        }

        private static List<Column> nullable(RowSchema schema) {
            return schema.columns().stream().map(c -> new Column(c.name(), c.type(), true)).toList();
        }
    }

    private final Factory factory;
    private final OperatorContext context;
    private final StateStore store;
    private final List<List<Object>> newLeft = new ArrayList<>();
    private final List<List<Object>> newRight = new ArrayList<>();

    private StreamJoinOperator(Factory factory, OperatorContext context) {
        this.factory = factory;
        this.context = context;
        this.store = context.requireState();
    }

    @Override
    public List<ChangeBatch> add(int input, ChangeBatch batch) {
        try (batch) {
            if (!batch.isInsertOnly()) {
                throw new IllegalStateException("A stream join got deleted rows, which it can't take back yet");
            }
            (input == LEFT ? newLeft : newRight).addAll(VectorValues.rows(batch.rows()));
        }
        return List.of();
    }

    @Override
    public List<ChangeBatch> finish() {
        // The store is open at the previous batch's version; rows are keyed by the batch that brought them.
        List<List<Object>> joined = join(newLeft, newRight, context.batchId(), context.watermark());
        newLeft.clear();
        newRight.clear();
        return joined.isEmpty() ? List.of()
                : List.of(ChangeBatch.inserts(VectorValues.toBatch(factory.outputSchema, joined, context.allocator())));
    }

    /**
     * Joins the batch's new rows, keeps them in the state, evicts what the watermark closed.
     *
     * @return the joined rows (left columns, then right columns)
     */
    public List<List<Object>> join(List<List<Object>> newLeft, List<List<Object>> newRight, long batchId,
                                   long watermark) {
        RowSchema values = factory.stateValueSchema();
        int leftWidth = factory.leftSchema.size();
        Map<List<Object>, List<List<Object>>> oldLeft = new HashMap<>();
        Map<List<Object>, List<List<Object>>> allRight = new HashMap<>();
        List<byte[]> evict = new ArrayList<>();
        for (Iterator<StateEntry> it = store.iterator(); it.hasNext(); ) {
            StateEntry e = it.next();
            int side = new ByteArrayReader(e.key()).readInt();
            List<Object> both = RowCodec.decode(e.value(), values);
            if (side == LEFT) {
                List<Object> row = both.subList(0, leftWidth);
                index(oldLeft, row, factory.leftKeys);
                if (closedLeft(row, watermark)) {
                    evict.add(e.key());
                }
            } else {
                List<Object> row = both.subList(leftWidth, both.size());
                index(allRight, row, factory.rightKeys);
                if (closedRight(row, watermark)) {
                    evict.add(e.key());
                }
            }
        }
        List<List<Object>> out = new ArrayList<>();
        // New right rows meet the left rows of earlier batches; new left rows meet every right row, the new
        // ones included: each pair once.
        for (List<Object> right : newRight) {
            for (List<Object> left : oldLeft.getOrDefault(LookupTable.key(right, factory.rightKeys), List.of())) {
                emitIfInBounds(left, right, out);
            }
        }
        for (List<Object> right : newRight) {
            index(allRight, right, factory.rightKeys);
        }
        for (List<Object> left : newLeft) {
            for (List<Object> right : allRight.getOrDefault(LookupTable.key(left, factory.leftKeys), List.of())) {
                emitIfInBounds(left, right, out);
            }
        }
        keep(newLeft, LEFT, batchId, watermark);
        keep(newRight, RIGHT, batchId, watermark);
        evict.forEach(store::remove);
        return out;
    }

    private void emitIfInBounds(List<Object> left, List<Object> right, List<List<Object>> out) {
        Object lt = left.get(factory.leftTime);
        Object rt = right.get(factory.rightTime);
        if (lt == null || rt == null) {
            return;  // a NULL time is in no bound
        }
        long l = millis(lt);
        long r = millis(rt);
        if (l >= r + factory.lowerMillis && l <= r + factory.upperMillis) {
            List<Object> row = new ArrayList<>(left);
            row.addAll(right);
            out.add(row);
        }
    }

    /** Stores the new rows that can still meet a future row of the other side. */
    private void keep(List<List<Object>> rows, int side, long batchId, long watermark) {
        RowSchema values = factory.stateValueSchema();
        int leftWidth = factory.leftSchema.size();
        for (int seq = 0; seq < rows.size(); seq++) {
            List<Object> row = rows.get(seq);
            boolean closed = side == LEFT ? closedLeft(row, watermark) : closedRight(row, watermark);
            if (closed) {
                continue;
            }
            List<Object> both = new ArrayList<>(values.size());
            if (side == LEFT) {
                both.addAll(row);
                both.addAll(java.util.Collections.nCopies(values.size() - leftWidth, null));
            } else {
                both.addAll(java.util.Collections.nCopies(leftWidth, null));
                both.addAll(row);
            }
            byte[] key = new ByteArrayWriter().writeInt(side).writeLong(batchId).writeInt(seq).toByteArray();
            store.put(key, RowCodec.encode(both, values));
        }
    }

    /** A left row matches right rows up to {@code left.time - lower}: past the watermark, none can come. */
    private boolean closedLeft(List<Object> row, long watermark) {
        Object t = row.get(factory.leftTime);
        return t == null || (watermark != Long.MIN_VALUE && millis(t) - factory.lowerMillis < watermark);
    }

    /** A right row matches left rows up to {@code right.time + upper}. */
    private boolean closedRight(List<Object> row, long watermark) {
        Object t = row.get(factory.rightTime);
        return t == null || (watermark != Long.MIN_VALUE && millis(t) + factory.upperMillis < watermark);
    }

    private static void index(Map<List<Object>, List<List<Object>>> byKey, List<Object> row, List<Integer> keys) {
        List<Object> key = LookupTable.key(row, keys);
        if (key != null) {
            byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(row);
        }
    }

    private static long millis(Object timestamp) {
        return VectorValues.toEpochMillis((LocalDateTime) timestamp);
    }
}
