package dev.sluice.execution.operator;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.changelog.ChangeBatch;
import dev.sluice.execution.changelog.ChangelogMode;
import dev.sluice.execution.plan.IntervalBound;
import dev.sluice.execution.plan.JoinType;
import dev.sluice.execution.state.ByteArrayReader;
import dev.sluice.execution.state.ByteArrayWriter;
import dev.sluice.execution.state.RowCodec;
import dev.sluice.execution.state.StateEntry;
import dev.sluice.execution.state.StateSpec;
import dev.sluice.execution.state.StateStore;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.RowSchema;
import dev.sluice.execution.type.VectorValues;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * The batch-level step of a join of two streams ({@code StreamJoinNode}), of any {@link JoinType}: joins the
 * batch's new rows of each side with the other side's rows (kept in the state from earlier batches, and new),
 * keeps the new rows, and drops from the state the rows that can match no more. One instance per batch.
 *
 * <p>What bounds the state, and when a row without a match is emitted:
 * <ul>
 *   <li>an interval join ({@link IntervalBound}): a row leaves the state when the watermark passes the last time
 *       a row of the other side could match it; a row of a kept side (LEFT, RIGHT, FULL; the left of an anti
 *       join) without a match is emitted then, null-padded, once: the output is append-only;</li>
 *   <li>a regular join (a state TTL): a row leaves the state when the TTL has passed since the batch that stored
 *       it or last changed its match count (the batches' logged times, so a re-run batch evicts the same rows);
 *       a kept row without a match is emitted null-padded at once and deleted (weight -1) when its first match
 *       comes: the output retracts;</li>
 *   <li>a bounded query (one batch over all input): every row without a match is emitted at the end.</li>
 * </ul>
 * A semi join emits a left row once, at its first match: always append-only.
 *
 * <p>State: one entry per kept row. The inner interval join keys it by (side, batch id, sequence), its value
 * the row (as the columns of both sides). Every other join keys it by (side, key group, batch id, sequence),
 * the key group a stable hash of the join key (so the state can be split by key later), and adds to the value
 * the row's match count and the logged time of the batch that last wrote it.
 */
public final class StreamJoinOperator implements StreamOperator {
    private static final int LEFT = 0;
    private static final int RIGHT = 1;
    /** The number of key groups the join keys hash into (as Flink's default maximum parallelism). */
    public static final int KEY_GROUPS = 128;
    /** The state's key columns of an inner interval join: which side, the batch that brought the row, its position. */
    public static final RowSchema STATE_KEY_SCHEMA = new RowSchema(List.of(new Column("side", ColumnType.INTEGER, false),
            new Column("batch", ColumnType.BIGINT, false), new Column("seq", ColumnType.INTEGER, false)));
    /** The state's key columns of the other joins: the side, the join key's group, the batch, the position. */
    public static final RowSchema KEYED_STATE_KEY_SCHEMA = new RowSchema(List.of(
            new Column("side", ColumnType.INTEGER, false), new Column("key_group", ColumnType.INTEGER, false),
            new Column("batch", ColumnType.BIGINT, false), new Column("seq", ColumnType.INTEGER, false)));

    /** What every batch's join shares: the type, the sides' schemas and keys, and what bounds the state. */
    public static final class Factory implements StreamOperator.Factory {
        private final JoinType type;
        private final RowSchema leftSchema;
        private final RowSchema rightSchema;
        private final List<Integer> leftKeys;
        private final List<Integer> rightKeys;
        private final Optional<IntervalBound> bound;
        private final Optional<Long> ttlMillis;
        private final boolean bounded;
        private final RowSchema outputSchema;

        /**
         * A join whose output is {@code outputSchema}: the left side's columns, then the right side's (the left
         * side's only for a semi or anti join). Its state is bounded by {@code bound}, else by {@code ttlMillis},
         * else it runs over a bounded query ({@code bounded}).
         */
        public Factory(JoinType type, RowSchema leftSchema, RowSchema rightSchema, List<Integer> leftKeys,
                       List<Integer> rightKeys, Optional<IntervalBound> bound, Optional<Long> ttlMillis,
                       boolean bounded, RowSchema outputSchema) {
            this.type = requireNonNull(type, "type is null");
            this.leftSchema = requireNonNull(leftSchema, "leftSchema is null");
            this.rightSchema = requireNonNull(rightSchema, "rightSchema is null");
            this.leftKeys = List.copyOf(leftKeys);
            this.rightKeys = List.copyOf(rightKeys);
            this.bound = requireNonNull(bound, "bound is null");
            this.ttlMillis = requireNonNull(ttlMillis, "ttlMillis is null");
            this.bounded = bounded;
            this.outputSchema = requireNonNull(outputSchema, "outputSchema is null");
            int width = type.emitsPairs() ? leftSchema.size() + rightSchema.size() : leftSchema.size();
            if (outputSchema.size() != width) {
                throw new IllegalArgumentException("A " + type.sql() + " emits " + width + " columns, not "
                        + outputSchema.size());
            }
            if (!bounded && bound.isEmpty() && ttlMillis.isEmpty()) {
                throw new IllegalArgumentException("A join of two streams needs a time bound or a state TTL");
            }
        }

        /** Whether rows without a match wait for the end of their bound (or input) before they are emitted. */
        private boolean deferred() {
            return bounded || bound.isPresent();
        }

        /** The layout the inner interval join's state has always had: no match counts, no times. */
        private boolean plainState() {
            return type == JoinType.INNER && bound.isPresent();
        }

        /** The state's values: a row of either side, as the columns of both (the other side's all NULL). */
        public RowSchema stateValueSchema() {
            List<Column> columns = new ArrayList<>(nullable(leftSchema));
            columns.addAll(nullable(rightSchema));
            if (!plainState()) {
                columns.add(new Column("$matches", ColumnType.BIGINT, false));
                columns.add(new Column("$written", ColumnType.BIGINT, false));
            }
            return new RowSchema(columns);
        }

        @Override
        public RowSchema outputSchema() {
            return outputSchema;
        }

        /**
         * Append-only, but for a regular outer or anti join of two streams: that one emits a row without a
         * match at once and deletes it when its match comes.
         */
        @Override
        public ChangelogMode changelogMode() {
            boolean retracts = !deferred() && (type.keepsUnmatchedLeft() || type.keepsUnmatchedRight());
            return retracts ? new ChangelogMode(ChangelogMode.Kind.RETRACT, List.of()) : ChangelogMode.APPEND;
        }

        /**
         * A pair is emitted when its later row comes, and a row without a match when the bound has passed: the
         * output's event times trail the input watermark by up to the width of the bound.
         */
        @Override
        public long watermarkDelayMillis() {
            return bound.map(IntervalBound::delayMillis).orElse(0L);
        }

        /** An interval join's rows leave the state (and unmatched ones are emitted) as the watermark passes. */
        @Override
        public boolean usesWatermark() {
            return bound.isPresent() && !bounded;
        }

        @Override
        public Optional<StateSpec> state(String operatorId) {
            if (bounded) {
                return Optional.empty();  // one batch over all input: nothing to keep
            }
            return Optional.of(new StateSpec(operatorId, plainState() ? STATE_KEY_SCHEMA : KEYED_STATE_KEY_SCHEMA,
                    stateValueSchema()));
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
            String what = type == JoinType.INNER ? "" : type.name() + ", ";
            if (bounded) {
                return "StreamJoin(" + what + "keys=" + keys + ", over the whole bounded input)";
            }
            if (bound.isPresent()) {
                String unmatched = type == JoinType.INNER || type == JoinType.SEMI ? ""
                        : ", rows without a match emitted null-padded when it passes";
                return "StreamJoin(" + what + "keys=" + keys + ", "
                        + bound.get().describe(leftSchema.names(), rightSchema.names())
                        + ", rows of both sides wait until the watermark passes their bound" + unmatched + ")";
            }
            String unmatched = changelogMode().isAppendOnly() ? ""
                    : ", rows without a match emitted at once and deleted when their first match comes";
            return "StreamJoin(" + what + "keys=" + keys + ", rows of both sides kept for a state TTL of "
                    + ttlMillis.get() + " ms since last written" + unmatched + ")";
        }

        private static List<Column> nullable(RowSchema schema) {
            return schema.columns().stream().map(c -> new Column(c.name(), c.type(), true)).toList();
        }
    }

    /** A row of one side, in the state or new, with its match count. */
    private static final class Kept {
        final int side;
        final List<Object> row;
        final byte[] storeKey;  // null for a row of this batch
        int seq;  // a new row's position among its side's rows of this batch
        long matches;
        long written;
        boolean changed;

        Kept(int side, List<Object> row, byte[] storeKey, long matches, long written) {
            this.side = side;
            this.row = row;
            this.storeKey = storeKey;
            this.matches = matches;
            this.written = written;
        }
    }

    private final Factory factory;
    private final OperatorContext context;
    private final Optional<StateStore> store;
    private final List<List<Object>> newLeft = new ArrayList<>();
    private final List<List<Object>> newRight = new ArrayList<>();
    private final List<List<Object>> out = new ArrayList<>();
    private final List<Integer> weights = new ArrayList<>();

    private StreamJoinOperator(Factory factory, OperatorContext context) {
        this.factory = factory;
        this.context = context;
        this.store = factory.bounded ? Optional.empty() : Optional.of(context.requireState());
    }

    @Override
    public List<ChangeBatch> add(int input, ChangeBatch batch) {
        try (batch) {
            if (!batch.isInsertOnly()) {
                throw new IllegalStateException("A join of two streams got deleted rows, which it can't take back yet");
            }
            (input == LEFT ? newLeft : newRight).addAll(VectorValues.rows(batch.rows()));
        }
        return List.of();
    }

    @Override
    public List<ChangeBatch> finish() {
        join(context.batchId(), context.watermark(), context.batchTimestampMillis());
        newLeft.clear();
        newRight.clear();
        if (out.isEmpty()) {
            return List.of();
        }
        VectorSchemaRoot rows = VectorValues.toBatch(factory.outputSchema, out, context.allocator());
        if (!weights.contains(-1)) {
            return List.of(ChangeBatch.inserts(rows));
        }
        IntVector vector = new IntVector("$weight", context.allocator());
        vector.allocateNew(weights.size());
        for (int i = 0; i < weights.size(); i++) {
            vector.set(i, weights.get(i));
        }
        vector.setValueCount(weights.size());
        return List.of(ChangeBatch.of(rows, vector));
    }

    /** Joins the batch's new rows, keeps them in the state, evicts what can match no more. */
    private void join(long batchId, long watermark, long now) {
        RowSchema values = factory.stateValueSchema();
        int leftWidth = factory.leftSchema.size();
        List<Kept> old = new ArrayList<>();
        List<byte[]> expired = new ArrayList<>();
        if (store.isPresent()) {
            for (Iterator<StateEntry> it = store.get().iterator(); it.hasNext(); ) {
                StateEntry e = it.next();
                int side = new ByteArrayReader(e.key()).readInt();
                List<Object> all = RowCodec.decode(e.value(), values);
                List<Object> row = side == LEFT ? all.subList(0, leftWidth)
                        : all.subList(leftWidth, leftWidth + factory.rightSchema.size());
                long matches = factory.plainState() ? 0 : (Long) all.get(values.size() - 2);
                long written = factory.plainState() ? 0 : (Long) all.get(values.size() - 1);
                if (factory.ttlMillis.isPresent() && now - written >= factory.ttlMillis.get()) {
                    expired.add(e.key());  // forgotten, as Flink's state TTL does
                    continue;
                }
                old.add(new Kept(side, new ArrayList<>(row), e.key(), matches, written));
            }
            expired.forEach(store.get()::remove);
        }
        Map<List<Object>, List<Kept>> oldLeft = new HashMap<>();
        Map<List<Object>, List<Kept>> allRight = new HashMap<>();
        for (Kept k : old) {
            if (k.side == LEFT) {
                index(oldLeft, k, factory.leftKeys);
            } else {
                index(allRight, k, factory.rightKeys);
            }
        }
        List<Kept> lefts = fresh(LEFT, newLeft, now);
        List<Kept> rights = fresh(RIGHT, newRight, now);
        // New right rows meet the left rows of earlier batches; new left rows meet every right row, the new
        // ones included: each pair once.
        for (Kept right : rights) {
            for (Kept left : oldLeft.getOrDefault(LookupTable.key(right.row, factory.rightKeys), List.of())) {
                if (matches(left.row, right.row)) {
                    matched(left, right, now);
                }
            }
        }
        rights.forEach(r -> index(allRight, r, factory.rightKeys));
        for (Kept left : lefts) {
            for (Kept right : allRight.getOrDefault(LookupTable.key(left.row, factory.leftKeys), List.of())) {
                if (matches(left.row, right.row)) {
                    matched(left, right, now);
                }
            }
        }
        List<Kept> all = new ArrayList<>(old);
        all.addAll(lefts);
        all.addAll(rights);
        for (Kept k : all) {
            // A row with a NULL key matches nothing, ever.
            boolean dead = factory.bounded || LookupTable.key(k.row, k.side == LEFT ? factory.leftKeys : factory.rightKeys) == null
                    || (k.side == LEFT ? deadLeft(k.row, watermark) : deadRight(k.row, watermark));
            boolean kept = k.side == LEFT ? factory.type.keepsUnmatchedLeft() : factory.type.keepsUnmatchedRight();
            if (kept && k.matches == 0 && (factory.deferred() ? dead : k.storeKey == null)) {
                emit(padded(k), 1);
            }
            // A semi join's left row that matched is emitted and done with.
            boolean done = dead || (factory.type == JoinType.SEMI && k.side == LEFT && k.matches > 0);
            if (store.isEmpty()) {
                continue;
            }
            if (done) {
                if (k.storeKey != null) {
                    store.get().remove(k.storeKey);
                }
            } else if (k.storeKey == null || k.changed) {
                store.get().put(k.storeKey != null ? k.storeKey : newKey(k, batchId), encode(k, values));
            }
        }
    }

    /** A pair matched: emit it (or the semi join's left row), and count the match on both rows. */
    private void matched(Kept left, Kept right, long now) {
        if (factory.type.emitsPairs()) {
            List<Object> pair = new ArrayList<>(left.row);
            pair.addAll(right.row);
            emit(pair, 1);
        }
        if (factory.type == JoinType.SEMI && left.matches == 0) {
            emit(left.row, 1);
        }
        if (!factory.deferred()) {
            // A regular join emitted the row null-padded when it came: its first match takes that back.
            if (left.matches == 0 && left.storeKey != null && factory.type.keepsUnmatchedLeft()) {
                emit(padded(left), -1);
            }
            if (right.matches == 0 && right.storeKey != null && factory.type.keepsUnmatchedRight()) {
                emit(padded(right), -1);
            }
        }
        if (factory.plainState()) {
            return;
        }
        // Only the first match changes what a row can emit (and only on a side whose unmatched rows count):
        // the row is written again then.
        if ((factory.type.keepsUnmatchedLeft() || factory.type == JoinType.SEMI) && left.matches++ == 0) {
            left.changed = true;
            left.written = now;
        }
        if (factory.type.keepsUnmatchedRight() && right.matches++ == 0) {
            right.changed = true;
            right.written = now;
        }
    }

    private static List<Kept> fresh(int side, List<List<Object>> rows, long now) {
        List<Kept> kept = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            Kept k = new Kept(side, rows.get(i), null, 0, now);
            k.seq = i;
            kept.add(k);
        }
        return kept;
    }

    private void emit(List<Object> row, int weight) {
        out.add(row);
        weights.add(weight);
    }

    /** A row without a match as the output has it: padded with NULLs on the other side (or alone, anti join). */
    private List<Object> padded(Kept k) {
        if (!factory.type.emitsPairs()) {
            return k.row;
        }
        List<Object> row = new ArrayList<>(factory.outputSchema.size());
        if (k.side == LEFT) {
            row.addAll(k.row);
            row.addAll(Collections.nCopies(factory.rightSchema.size(), null));
        } else {
            row.addAll(Collections.nCopies(factory.leftSchema.size(), null));
            row.addAll(k.row);
        }
        return row;
    }

    /** Whether two rows of equal keys match: within the time bound, if there is one. */
    private boolean matches(List<Object> left, List<Object> right) {
        if (factory.bound.isEmpty()) {
            return true;
        }
        IntervalBound b = factory.bound.get();
        Object l1 = left.get(b.leftLower());
        Object r1 = right.get(b.rightLower());
        Object l2 = left.get(b.leftUpper());
        Object r2 = right.get(b.rightUpper());
        if (l1 == null || r1 == null || l2 == null || r2 == null) {
            return false;  // a NULL time is in no bound
        }
        return millis(l1) >= millis(r1) + b.lowerMillis() && millis(l2) <= millis(r2) + b.upperMillis();
    }

    /** A left row matches right rows whose (event) time is up to {@code left[leftLower] - lower}. */
    private boolean deadLeft(List<Object> row, long watermark) {
        if (factory.bound.isEmpty()) {
            return false;
        }
        Object t = row.get(factory.bound.get().leftLower());
        return t == null || (watermark != Long.MIN_VALUE && millis(t) - factory.bound.get().lowerMillis() < watermark);
    }

    /** A right row matches left rows whose (event) time is up to {@code right[rightUpper] + upper}. */
    private boolean deadRight(List<Object> row, long watermark) {
        if (factory.bound.isEmpty()) {
            return false;
        }
        Object t = row.get(factory.bound.get().rightUpper());
        return t == null || (watermark != Long.MIN_VALUE && millis(t) + factory.bound.get().upperMillis() < watermark);
    }

    private byte[] newKey(Kept k, long batchId) {
        ByteArrayWriter key = new ByteArrayWriter().writeInt(k.side);
        if (!factory.plainState()) {
            key.writeInt(keyGroup(k));
        }
        return key.writeLong(batchId).writeInt(k.seq).toByteArray();
    }

    /** A stable hash of the row's join key (its encoded bytes), into {@link #KEY_GROUPS} groups. */
    private int keyGroup(Kept k) {
        List<Integer> keys = k.side == LEFT ? factory.leftKeys : factory.rightKeys;
        RowSchema schema = k.side == LEFT ? factory.leftSchema : factory.rightSchema;
        List<Column> columns = new ArrayList<>();
        List<Object> key = new ArrayList<>();
        for (int i : keys) {
            Column c = schema.column(i);
            columns.add(new Column(c.name(), c.type(), true));
            key.add(k.row.get(i));
        }
        return Math.floorMod(Arrays.hashCode(RowCodec.encode(key, new RowSchema(columns))), KEY_GROUPS);
    }

    private byte[] encode(Kept k, RowSchema values) {
        List<Object> all = new ArrayList<>(values.size());
        int leftWidth = factory.leftSchema.size();
        int rightWidth = factory.rightSchema.size();
        if (k.side == LEFT) {
            all.addAll(k.row);
            all.addAll(Collections.nCopies(rightWidth, null));
        } else {
            all.addAll(Collections.nCopies(leftWidth, null));
            all.addAll(k.row);
        }
        if (!factory.plainState()) {
            all.add(k.matches);
            all.add(k.written);
        }
        return RowCodec.encode(all, values);
    }

    private static void index(Map<List<Object>, List<Kept>> byKey, Kept row, List<Integer> keys) {
        List<Object> key = LookupTable.key(row.row, keys);
        if (key != null) {
            byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(row);
        }
    }

    private static long millis(Object timestamp) {
        return VectorValues.toEpochMillis((LocalDateTime) timestamp);
    }
}
