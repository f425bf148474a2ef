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
 * <p>State: the inner interval join keeps an entry per row, keyed by (side, batch id, sequence), its value the
 * row (as the columns of both sides), as it always has. Every other join keeps an entry per join key, keyed by
 * the key's columns (so both sides' rows of a key are in one key group, and the state can be split by key);
 * its value both sides' rows of that key, each with its side, match count and the logged time of the batch
 * that last wrote it. A batch of a regular join reads only the entries of its new rows' keys (and all
 * of them every {@link #TTL_SWEEP_BATCHES} batches, to drop rows past the TTL); an interval join reads all of
 * them, as it emits the rows without a match whose bound the watermark passed.
 */
public final class StreamJoinOperator implements StreamOperator {
    private static final int LEFT = 0;
    private static final int RIGHT = 1;
    /** The state's key columns of an inner interval join: which side, the batch that brought the row, its position. */
    public static final RowSchema STATE_KEY_SCHEMA = new RowSchema(List.of(new Column("side", ColumnType.INTEGER, false),
            new Column("batch", ColumnType.BIGINT, false), new Column("seq", ColumnType.INTEGER, false)));
    /**
     * How often (in batches) a regular join reads its whole state to drop the rows past the TTL whose join key no
     * new row brought (those of the keys read are dropped as they are read).
     */
    public static final int TTL_SWEEP_BATCHES = 16;

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
            for (int i = 0; i < leftKeys.size(); i++) {
                Column l = leftSchema.column(leftKeys.get(i));
                Column r = rightSchema.column(rightKeys.get(i));
                if (l.type() != r.type()) {
                    throw new IllegalArgumentException("A " + type.sql() + " of two streams needs join keys of one type: "
                            + l.name() + " is " + l.type() + ", " + r.name() + " is " + r.type() + "; CAST one of them");
                }
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

        /**
         * The keyed state's key: the join key's columns, so that both sides' rows of a key are one entry, in one
         * key group (the state's key groups hash the whole key).
         */
        public RowSchema keyedStateKeySchema() {
            List<Column> columns = new ArrayList<>();
            for (int k : leftKeys) {
                Column c = leftSchema.column(k);
                columns.add(new Column(c.name(), c.type(), true));
            }
            return new RowSchema(columns);
        }

        /**
         * The state's values: a row of either side, as the columns of both (the other side's all NULL); in the
         * keyed state, with its side, match count and last write time.
         */
        public RowSchema stateValueSchema() {
            List<Column> columns = new ArrayList<>(nullable(leftSchema));
            columns.addAll(nullable(rightSchema));
            if (!plainState()) {
                columns.add(new Column("$side", ColumnType.INTEGER, false));
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
            return Optional.of(new StateSpec(operatorId, plainState() ? STATE_KEY_SCHEMA : keyedStateKeySchema(),
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
        final byte[] storeKey;  // the inner interval join's entry of the row; null for a row of this batch
        final boolean stored;  // kept from an earlier batch
        int seq;  // a new row's position among its side's rows of this batch
        long matches;
        long written;
        boolean changed;
        boolean done;  // leaves the state (or is not kept) at the end of the batch

        Kept(int side, List<Object> row, byte[] storeKey, boolean stored, long matches, long written) {
            this.side = side;
            this.row = row;
            this.storeKey = storeKey;
            this.stored = stored;
            this.matches = matches;
            this.written = written;
        }
    }

    /** An entry of the keyed state: both sides' rows of one join key. */
    private static final class Bucket {
        final byte[] storeKey;
        final List<Kept> rows = new ArrayList<>();
        boolean dirty;  // rows came, left or changed: written back at the end of the batch

        Bucket(byte[] storeKey) {
            this.storeKey = storeKey;
        }
    }

    private final Factory factory;
    private final OperatorContext context;
    private final Optional<StateStore> store;
    private final List<List<Object>> newLeft = new ArrayList<>();
    private final List<List<Object>> newRight = new ArrayList<>();
    private final List<List<Object>> out = new ArrayList<>();
    private final List<Integer> weights = new ArrayList<>();
    /** The keyed state's entries read or made this batch, by their key bytes. */
    private final Map<StateKeyBytes, Bucket> buckets = new HashMap<>();

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
        List<Kept> lefts = fresh(LEFT, newLeft, now);
        List<Kept> rights = fresh(RIGHT, newRight, now);
        List<Kept> old = factory.plainState() ? loadRows() : loadBuckets(lefts, rights, batchId, now);
        Map<List<Object>, List<Kept>> oldLeft = new HashMap<>();
        Map<List<Object>, List<Kept>> allRight = new HashMap<>();
        for (Kept k : old) {
            if (k.side == LEFT) {
                index(oldLeft, k, factory.leftKeys);
            } else {
                index(allRight, k, factory.rightKeys);
            }
        }
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
            boolean dead = factory.bounded || key(k) == null
                    || (k.side == LEFT ? deadLeft(k.row, watermark) : deadRight(k.row, watermark));
            boolean kept = k.side == LEFT ? factory.type.keepsUnmatchedLeft() : factory.type.keepsUnmatchedRight();
            if (kept && k.matches == 0 && (factory.deferred() ? dead : !k.stored)) {
                emit(padded(k), 1);
            }
            // A semi join's left row that matched is emitted and done with.
            k.done = dead || (factory.type == JoinType.SEMI && k.side == LEFT && k.matches > 0);
        }
        if (store.isEmpty()) {
            return;
        }
        if (factory.plainState()) {
            for (Kept k : all) {
                if (k.done && k.stored) {
                    store.get().remove(k.storeKey);
                } else if (!k.done && !k.stored) {
                    byte[] key = new ByteArrayWriter().writeInt(k.side).writeLong(batchId).writeInt(k.seq).toByteArray();
                    store.get().put(key, encode(List.of(k)));
                }
            }
            return;
        }
        for (Kept k : lefts) {
            addToBucket(k);
        }
        for (Kept k : rights) {
            addToBucket(k);
        }
        for (Bucket bucket : buckets.values()) {
            List<Kept> left = bucket.rows.stream().filter(k -> !k.done).toList();
            if (!bucket.dirty && left.size() == bucket.rows.size() && left.stream().noneMatch(k -> k.changed)) {
                continue;  // untouched
            }
            if (left.isEmpty()) {
                store.get().remove(bucket.storeKey);
            } else {
                store.get().put(bucket.storeKey, encode(left));
            }
        }
    }

    /** The inner interval join's state: every kept row, an entry each. */
    private List<Kept> loadRows() {
        RowSchema values = factory.stateValueSchema();
        List<Kept> old = new ArrayList<>();
        if (store.isPresent()) {
            for (Iterator<StateEntry> it = store.get().iterator(); it.hasNext(); ) {
                StateEntry e = it.next();
                int side = new ByteArrayReader(e.key()).readInt();
                old.add(new Kept(side, sideRow(side, RowCodec.decode(e.value(), values)), e.key(), true, 0, 0));
            }
        }
        return old;
    }

    /**
     * The keyed state's rows this batch needs: every entry when rows leave by the watermark (an interval join
     * emits a row without a match then) or every {@link #TTL_SWEEP_BATCHES} batches (a TTL sweep), else only the
     * entries of the new rows' join keys (a regular join's other rows leave when their key is read again, or at
     * the next sweep). Rows past the TTL are dropped as they are read.
     */
    private List<Kept> loadBuckets(List<Kept> lefts, List<Kept> rights, long batchId, long now) {
        List<Kept> old = new ArrayList<>();
        if (store.isEmpty()) {
            return old;
        }
        boolean sweep = factory.bound.isPresent() || batchId % TTL_SWEEP_BATCHES == 0;
        if (sweep) {
            for (Iterator<StateEntry> it = store.get().iterator(); it.hasNext(); ) {
                StateEntry e = it.next();
                old.addAll(read(e.key(), e.value(), now));
            }
            return old;
        }
        for (List<Kept> rows : List.of(lefts, rights)) {
            for (Kept k : rows) {
                List<Object> key = key(k);
                if (key == null) {
                    continue;
                }
                byte[] storeKey = storeKey(key);
                if (!buckets.containsKey(new StateKeyBytes(storeKey))) {
                    byte[] value = store.get().get(storeKey);
                    if (value != null) {
                        old.addAll(read(storeKey, value, now));
                    } else {
                        buckets.put(new StateKeyBytes(storeKey), new Bucket(storeKey));
                    }
                }
            }
        }
        return old;
    }

    /** The rows of an entry of the keyed state (both sides' of one join key), those past the TTL dropped. */
    private List<Kept> read(byte[] storeKey, byte[] value, long now) {
        RowSchema values = factory.stateValueSchema();
        Bucket bucket = new Bucket(storeKey);
        buckets.put(new StateKeyBytes(storeKey), bucket);
        for (List<Object> all : RowCodec.decodeRows(value, values)) {
            long written = (Long) all.get(values.size() - 1);
            if (factory.ttlMillis.isPresent() && now - written >= factory.ttlMillis.get()) {
                bucket.dirty = true;  // forgotten, as Flink's state TTL does
                continue;
            }
            int side = (Integer) all.get(values.size() - 3);
            Kept k = new Kept(side, sideRow(side, all), null, true, (Long) all.get(values.size() - 2), written);
            bucket.rows.add(k);
        }
        return bucket.rows;
    }

    private void addToBucket(Kept k) {
        List<Object> key = key(k);
        if (k.done || key == null) {
            return;
        }
        byte[] storeKey = storeKey(key);
        Bucket bucket = buckets.computeIfAbsent(new StateKeyBytes(storeKey), b -> new Bucket(storeKey));
        bucket.rows.add(k);
        bucket.dirty = true;
    }

    /** A side's row out of a state value (the columns of both sides). */
    private List<Object> sideRow(int side, List<Object> all) {
        int leftWidth = factory.leftSchema.size();
        return new ArrayList<>(side == LEFT ? all.subList(0, leftWidth)
                : all.subList(leftWidth, leftWidth + factory.rightSchema.size()));
    }

    private List<Object> key(Kept k) {
        return LookupTable.key(k.row, k.side == LEFT ? factory.leftKeys : factory.rightKeys);
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
            if (left.matches == 0 && left.stored && factory.type.keepsUnmatchedLeft()) {
                emit(padded(left), -1);
            }
            if (right.matches == 0 && right.stored && factory.type.keepsUnmatchedRight()) {
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
            Kept k = new Kept(side, rows.get(i), null, false, 0, now);
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

    /** The keyed state's key of the rows of join key {@code key}: the key's columns. */
    private byte[] storeKey(List<Object> key) {
        return RowCodec.encode(key, factory.keyedStateKeySchema());
    }

    /** Rows as a state value: each as the columns of both sides (and its match count and time). */
    private byte[] encode(List<Kept> rows) {
        RowSchema values = factory.stateValueSchema();
        List<List<Object>> encoded = new ArrayList<>(rows.size());
        for (Kept k : rows) {
            List<Object> all = new ArrayList<>(values.size());
            if (k.side == LEFT) {
                all.addAll(k.row);
                all.addAll(Collections.nCopies(factory.rightSchema.size(), null));
            } else {
                all.addAll(Collections.nCopies(factory.leftSchema.size(), null));
                all.addAll(k.row);
            }
            if (!factory.plainState()) {
                all.add(k.side);
                all.add(k.matches);
                all.add(k.written);
            }
            encoded.add(all);
        }
        return factory.plainState() ? RowCodec.encode(encoded.get(0), values) : RowCodec.encodeRows(encoded, values);
    }

    /** State keys as map keys (by content). */
    private record StateKeyBytes(byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof StateKeyBytes other && Arrays.equals(bytes, other.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }
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
