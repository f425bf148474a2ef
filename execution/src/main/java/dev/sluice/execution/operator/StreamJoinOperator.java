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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeStampMilliVector;
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
 *
 * <p>No row is boxed: the batch's new rows stay in their input vectors, their join keys encoded straight from
 * them; the stored rows stay in their state values' bytes ({@link RowCodec}), of which only the join key and
 * bound times are read; an output row is copied from the vectors of one side and the vectors or bytes of the
 * other ({@link ChangeBatchBuilder}), and a new row is encoded from its vectors into the state.
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

    /** The trailer of a row in the keyed state: its side (INTEGER), match count and last write time (BIGINTs). */
    private static final int TRAILER_BYTES = RowCodec.INT_BYTES + 2 * RowCodec.LONG_BYTES;

    /**
     * A row of one side with its match count: new in this batch (a row of an input batch's vectors) or kept in
     * the state (its encoding, inside the state value that holds it; nothing is decoded but its join key and
     * bound times, read once).
     */
    private static final class Kept {
        final int side;
        final VectorSchemaRoot batch;  // a new row's input batch; null for a stored row
        final int row;  // a new row's position in its batch
        final byte[] bytes;  // a stored row: the state value holding it
        final int rowStart;  // where the stored row's encoding starts in bytes
        final int sideStart;  // where its side's columns start in bytes
        final int columnsEnd;  // where the columns of both sides end in bytes (the keyed state's trailer follows)
        final byte[] key;  // the join key's encoding; null when a key column is NULL (it matches nothing)
        final byte[] storeKey;  // the inner interval join's entry of a stored row; null otherwise
        final boolean stored;  // kept from an earlier batch
        long lower;  // the side's lower-bound time column (epoch millis), when the join has a bound
        long upper;  // the side's upper-bound time column
        boolean lowerNull;
        boolean upperNull;
        int seq;  // a new row's position among its side's rows of this batch
        long matches;
        long written;
        boolean changed;
        boolean done;  // leaves the state (or is not kept) at the end of the batch

        Kept(int side, VectorSchemaRoot batch, int row, byte[] bytes, int rowStart, int sideStart, int columnsEnd,
             byte[] key, byte[] storeKey, long matches, long written) {
            this.side = side;
            this.batch = batch;
            this.row = row;
            this.bytes = bytes;
            this.rowStart = rowStart;
            this.sideStart = sideStart;
            this.columnsEnd = columnsEnd;
            this.key = key;
            this.storeKey = storeKey;
            this.stored = batch == null;
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
    /** The columns of a state value: the left side's, then the right side's (then the keyed state's trailer). */
    private final ColumnType[] valueTypes;
    private final int leftWidth;
    private final int rightWidth;
    private final int[][] keys;
    /** The input batches of this batch, whose vectors the new rows are in; closed with the operator. */
    private final List<ChangeBatch> inputs = new ArrayList<>();
    private final List<Kept> newLeft = new ArrayList<>();
    private final List<Kept> newRight = new ArrayList<>();
    private final ChangeBatchBuilder out;
    private final ByteArrayWriter scratch = new ByteArrayWriter();
    /** The keyed state's entries read or made this batch, by their key bytes. */
    private final Map<EncodedKey, Bucket> buckets = new HashMap<>();

    private StreamJoinOperator(Factory factory, OperatorContext context) {
        this.factory = factory;
        this.context = context;
        this.store = factory.bounded ? Optional.empty() : Optional.of(context.requireState());
        this.valueTypes = RowCodec.types(factory.stateValueSchema());
        this.leftWidth = factory.leftSchema.size();
        this.rightWidth = factory.rightSchema.size();
        this.keys = new int[][] {factory.leftKeys.stream().mapToInt(Integer::intValue).toArray(),
                factory.rightKeys.stream().mapToInt(Integer::intValue).toArray()};
        this.out = new ChangeBatchBuilder(factory.outputSchema, context.allocator());
    }

    @Override
    public List<ChangeBatch> add(int input, ChangeBatch batch) {
        inputs.add(batch);
        if (!batch.isInsertOnly()) {
            throw new IllegalStateException("A join of two streams got deleted rows, which it can't take back yet");
        }
        List<Kept> rows = input == LEFT ? newLeft : newRight;
        VectorSchemaRoot root = batch.rows();
        long now = context.batchTimestampMillis();
        for (int r = 0; r < root.getRowCount(); r++) {
            Kept k = new Kept(input, root, r, null, 0, 0, 0, key(input, root, r), null, 0, now);
            k.seq = rows.size();
            if (factory.bound.isPresent()) {
                times(k, root.getVector(lowerColumn(input)), root.getVector(upperColumn(input)), r);
            }
            rows.add(k);
        }
        return List.of();
    }

    @Override
    public List<ChangeBatch> finish() {
        join(context.batchId(), context.watermark(), context.batchTimestampMillis());
        newLeft.clear();
        newRight.clear();
        return out.build(false);
    }

    @Override
    public void close() {
        inputs.forEach(ChangeBatch::close);
        inputs.clear();
        out.close();
    }

    /** Joins the batch's new rows, keeps them in the state, evicts what can match no more. */
    private void join(long batchId, long watermark, long now) {
        List<Kept> lefts = newLeft;
        List<Kept> rights = newRight;
        List<Kept> old = factory.plainState() ? loadRows() : loadBuckets(lefts, rights, batchId, now);
        Map<EncodedKey, List<Kept>> oldLeft = new HashMap<>();
        Map<EncodedKey, List<Kept>> allRight = new HashMap<>();
        for (Kept k : old) {
            index(k.side == LEFT ? oldLeft : allRight, k);
        }
        // New right rows meet the left rows of earlier batches; new left rows meet every right row, the new
        // ones included: each pair once.
        for (Kept right : rights) {
            if (right.key != null) {
                for (Kept left : oldLeft.getOrDefault(new EncodedKey(right.key), List.of())) {
                    if (matches(left, right)) {
                        matched(left, right, now);
                    }
                }
            }
        }
        rights.forEach(r -> index(allRight, r));
        for (Kept left : lefts) {
            if (left.key != null) {
                for (Kept right : allRight.getOrDefault(new EncodedKey(left.key), List.of())) {
                    if (matches(left, right)) {
                        matched(left, right, now);
                    }
                }
            }
        }
        for (List<Kept> rows : List.of(old, lefts, rights)) {
            for (Kept k : rows) {
                // A row with a NULL key matches nothing, ever.
                boolean dead = factory.bounded || k.key == null || (k.side == LEFT ? deadLeft(k, watermark)
                        : deadRight(k, watermark));
                boolean kept = k.side == LEFT ? factory.type.keepsUnmatchedLeft() : factory.type.keepsUnmatchedRight();
                if (kept && k.matches == 0 && (factory.deferred() ? dead : !k.stored)) {
                    emitPadded(k, 1);
                }
                // A semi join's left row that matched is emitted and done with.
                k.done = dead || (factory.type == JoinType.SEMI && k.side == LEFT && k.matches > 0);
            }
        }
        if (store.isEmpty()) {
            return;
        }
        if (factory.plainState()) {
            for (List<Kept> rows : List.of(old, lefts, rights)) {
                for (Kept k : rows) {
                    if (k.done && k.stored) {
                        store.get().remove(k.storeKey);
                    } else if (!k.done && !k.stored) {
                        byte[] key = new ByteArrayWriter(16).writeInt(k.side).writeLong(batchId).writeInt(k.seq)
                                .toByteArray();
                        ByteArrayWriter value = new ByteArrayWriter(128);
                        writeColumns(k, value);
                        store.get().put(key, value.toByteArray());
                    }
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
        List<Kept> old = new ArrayList<>();
        if (store.isPresent()) {
            for (Iterator<StateEntry> it = store.get().iterator(); it.hasNext(); ) {
                StateEntry e = it.next();
                int side = new ByteArrayReader(e.key()).readInt();
                old.add(stored(side, e.value(), 0, e.value().length, e.key(), 0, 0));
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
                if (k.key == null) {
                    continue;
                }
                // The keyed state's key is the join key's columns: the join key's encoding.
                EncodedKey storeKey = new EncodedKey(k.key);
                if (!buckets.containsKey(storeKey)) {
                    byte[] value = store.get().get(k.key);
                    if (value != null) {
                        old.addAll(read(k.key, value, now));
                    } else {
                        buckets.put(storeKey, new Bucket(k.key));
                    }
                }
            }
        }
        return old;
    }

    /** The rows of an entry of the keyed state (both sides' of one join key), those past the TTL dropped. */
    private List<Kept> read(byte[] storeKey, byte[] value, long now) {
        Bucket bucket = new Bucket(storeKey);
        buckets.put(new EncodedKey(storeKey), bucket);
        ByteArrayReader in = new ByteArrayReader(value);
        int count = in.readVarInt();
        for (int i = 0; i < count; i++) {
            int length = in.readVarInt();
            int start = in.skip(length);
            int trailer = start + length - TRAILER_BYTES;
            int side = RowCodec.readInt(value, trailer);
            long matches = RowCodec.readLong(value, trailer + RowCodec.INT_BYTES);
            long written = RowCodec.readLong(value, trailer + RowCodec.INT_BYTES + RowCodec.LONG_BYTES);
            if (factory.ttlMillis.isPresent() && now - written >= factory.ttlMillis.get()) {
                bucket.dirty = true;  // forgotten, as Flink's state TTL does
                continue;
            }
            bucket.rows.add(stored(side, value, start, trailer, null, matches, written));
        }
        return bucket.rows;
    }

    /**
     * A row kept in the state: its encoding is {@code bytes[rowStart, columnsEnd)} (the columns of both sides);
     * its join key and bound times are read out of it.
     */
    private Kept stored(int side, byte[] bytes, int rowStart, int columnsEnd, byte[] storeKey, long matches,
                        long written) {
        int first = side == LEFT ? 0 : leftWidth;
        int width = side == LEFT ? leftWidth : rightWidth;
        int sideStart = side == LEFT ? rowStart : RowCodec.skip(bytes, rowStart, valueTypes, 0, leftWidth);
        int[] at = new int[width + 1];
        at[0] = sideStart;
        for (int c = 0; c < width; c++) {
            at[c + 1] = RowCodec.skip(bytes, at[c], valueTypes[first + c]);
        }
        byte[] key = null;
        int length = 0;
        boolean nullKey = false;
        for (int c : keys[side]) {
            nullKey |= RowCodec.isNull(bytes, at[c]);
            length += at[c + 1] - at[c];
        }
        if (!nullKey) {
            key = new byte[length];
            int offset = 0;
            for (int c : keys[side]) {
                System.arraycopy(bytes, at[c], key, offset, at[c + 1] - at[c]);
                offset += at[c + 1] - at[c];
            }
        }
        Kept k = new Kept(side, null, -1, bytes, rowStart, sideStart, columnsEnd, key, storeKey, matches, written);
        if (factory.bound.isPresent()) {
            int lower = at[lowerColumn(side)];
            int upper = at[upperColumn(side)];
            k.lowerNull = RowCodec.isNull(bytes, lower);
            k.upperNull = RowCodec.isNull(bytes, upper);
            k.lower = k.lowerNull ? 0 : RowCodec.readLong(bytes, lower);
            k.upper = k.upperNull ? 0 : RowCodec.readLong(bytes, upper);
        }
        return k;
    }

    /** The join key of row {@code row} of a batch of side {@code side}, encoded; null if a key column is NULL. */
    private byte[] key(int side, VectorSchemaRoot batch, int row) {
        scratch.reset();
        for (int c : keys[side]) {
            FieldVector vector = batch.getVector(c);
            if (vector.isNull(row)) {
                return null;
            }
            RowCodec.write(vector, row, scratch);
        }
        return scratch.toByteArray();
    }

    private static void times(Kept k, FieldVector lower, FieldVector upper, int row) {
        k.lowerNull = lower.isNull(row);
        k.upperNull = upper.isNull(row);
        k.lower = k.lowerNull ? 0 : ((TimeStampMilliVector) lower).get(row);
        k.upper = k.upperNull ? 0 : ((TimeStampMilliVector) upper).get(row);
    }

    /** The column of side {@code side} on the lower end of the bound. */
    private int lowerColumn(int side) {
        return side == LEFT ? factory.bound.get().leftLower() : factory.bound.get().rightLower();
    }

    /** The column of side {@code side} on the upper end of the bound. */
    private int upperColumn(int side) {
        return side == LEFT ? factory.bound.get().leftUpper() : factory.bound.get().rightUpper();
    }

    private void addToBucket(Kept k) {
        if (k.done || k.key == null) {
            return;
        }
        Bucket bucket = buckets.computeIfAbsent(new EncodedKey(k.key), b -> new Bucket(k.key));
        bucket.rows.add(k);
        bucket.dirty = true;
    }

    /** A pair matched: emit it (or the semi join's left row), and count the match on both rows. */
    private void matched(Kept left, Kept right, long now) {
        if (factory.type.emitsPairs()) {
            writeSide(left, 0);
            writeSide(right, leftWidth);
            out.endRow(1);
        }
        if (factory.type == JoinType.SEMI && left.matches == 0) {
            writeSide(left, 0);
            out.endRow(1);
        }
        if (!factory.deferred()) {
            // A regular join emitted the row null-padded when it came: its first match takes that back.
            if (left.matches == 0 && left.stored && factory.type.keepsUnmatchedLeft()) {
                emitPadded(left, -1);
            }
            if (right.matches == 0 && right.stored && factory.type.keepsUnmatchedRight()) {
                emitPadded(right, -1);
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

    /**
     * Emits a row without a match as the output has it: padded with NULLs on the other side (or alone, anti
     * join).
     */
    private void emitPadded(Kept k, int weight) {
        writeSide(k, k.side == LEFT || !factory.type.emitsPairs() ? 0 : leftWidth);
        out.endRow(weight);
    }

    /** Writes the columns of {@code k}'s side into the output row being built, from column {@code first}. */
    private void writeSide(Kept k, int first) {
        if (k.batch != null) {
            out.copyRow(first, k.batch, k.row);
        } else {
            out.decode(first, k.side == LEFT ? leftWidth : rightWidth, k.bytes, k.sideStart);
        }
    }

    /** Whether two rows of equal keys match: within the time bound, if there is one. */
    private boolean matches(Kept left, Kept right) {
        if (factory.bound.isEmpty()) {
            return true;
        }
        if (left.lowerNull || right.lowerNull || left.upperNull || right.upperNull) {
            return false;  // a NULL time is in no bound
        }
        IntervalBound b = factory.bound.get();
        return left.lower >= right.lower + b.lowerMillis() && left.upper <= right.upper + b.upperMillis();
    }

    /** A left row matches right rows whose (event) time is up to {@code left[leftLower] - lower}. */
    private boolean deadLeft(Kept k, long watermark) {
        if (factory.bound.isEmpty()) {
            return false;
        }
        return k.lowerNull || (watermark != Long.MIN_VALUE && k.lower - factory.bound.get().lowerMillis() < watermark);
    }

    /** A right row matches left rows whose (event) time is up to {@code right[rightUpper] + upper}. */
    private boolean deadRight(Kept k, long watermark) {
        if (factory.bound.isEmpty()) {
            return false;
        }
        return k.upperNull || (watermark != Long.MIN_VALUE && k.upper + factory.bound.get().upperMillis() < watermark);
    }

    /** The columns of both sides of {@code k} as a state value holds them (the other side's all NULL). */
    private void writeColumns(Kept k, ByteArrayWriter value) {
        if (k.batch == null) {
            value.writeBytes(k.bytes, k.rowStart, k.columnsEnd - k.rowStart);
            return;
        }
        if (k.side == RIGHT) {
            RowCodec.writeNulls(leftWidth, value);
        }
        RowCodec.write(k.batch.getFieldVectors(), k.row, value);
        if (k.side == LEFT) {
            RowCodec.writeNulls(rightWidth, value);
        }
    }

    /** Rows of one join key as a value of the keyed state: each as the columns of both sides, its side, match count and time. */
    private byte[] encode(List<Kept> rows) {
        ByteArrayWriter value = new ByteArrayWriter(64 * rows.size());
        value.writeVarInt(rows.size());
        for (Kept k : rows) {
            scratch.reset();
            writeColumns(k, scratch);
            scratch.writeByte(1).writeInt(k.side).writeByte(1).writeLong(k.matches).writeByte(1).writeLong(k.written);
            value.writeVarInt(scratch.size());
            value.writeBytes(scratch.buffer(), 0, scratch.size());
        }
        return value.toByteArray();
    }

    private static void index(Map<EncodedKey, List<Kept>> byKey, Kept row) {
        if (row.key != null) {
            byKey.computeIfAbsent(new EncodedKey(row.key), k -> new ArrayList<>()).add(row);
        }
    }
}
