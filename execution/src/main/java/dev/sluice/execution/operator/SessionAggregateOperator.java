package dev.sluice.execution.operator;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.aggregate.AggregateCall;
import dev.sluice.execution.aggregate.GroupedAggregation;
import dev.sluice.execution.aggregate.OutputMode;
import dev.sluice.execution.changelog.ChangeBatch;
import dev.sluice.execution.changelog.ChangelogMode;
import dev.sluice.execution.expr.RowSelection;
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
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.arrow.vector.TimeStampMilliVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * GROUP BY {@code SESSION(ts, gap)}, at the batch level: per group, rows less than {@code gap} apart form a
 * session, and a batch's rows may extend, start or join sessions kept from earlier batches. The sessions are
 * the state (key: the group's other keys and the session's start; value: its last event time and the
 * aggregates' states, as their {@link dev.sluice.execution.aggregate.Accumulator}s encode them), versioned
 * by batch like any state. Emits per output mode: update, the sessions the batch changed; complete, every
 * session; append, each session once the watermark passes its end (last event + gap). Sessions the watermark
 * has closed leave the state (except in complete mode).
 *
 * <p>The aggregates are computed by the same accumulators as every GROUP BY: the batch's rows are aggregated
 * per (group, event time), and sessions that merge merge their states.
 */
public final class SessionAggregateOperator implements StreamOperator {
    /** What every batch shares: the input's layout, the keys, the gap and the aggregates. */
    public static final class Factory implements StreamOperator.Factory {
        private final RowSchema inputSchema;
        private final List<Integer> groupKeys;
        private final int windowKey;
        private final long gapMillis;
        private final List<AggregateCall> calls;
        private final RowSchema outputSchema;
        private final OutputMode mode;
        private final boolean singleBatch;
        private final List<ColumnType> keyTypes;

        /**
         * @param groupKeys the group keys' input columns, in output order
         * @param windowKey the position among {@code groupKeys} of the session key (the rows' event time)
         * @param mode which sessions each batch emits
         * @param singleBatch whether the query is one batch over all its input (a bounded query): then every
         *     session it emits is final, an insert
         */
        public Factory(RowSchema inputSchema, List<Integer> groupKeys, int windowKey, long gapMillis,
                       List<AggregateCall> calls, RowSchema outputSchema, OutputMode mode, boolean singleBatch) {
            this.singleBatch = singleBatch;
            this.mode = requireNonNull(mode, "mode is null");
            this.inputSchema = requireNonNull(inputSchema, "inputSchema is null");
            this.groupKeys = List.copyOf(groupKeys);
            this.windowKey = windowKey;
            this.gapMillis = gapMillis;
            this.calls = List.copyOf(calls);
            this.outputSchema = requireNonNull(outputSchema, "outputSchema is null");
            this.keyTypes = this.groupKeys.stream().map(k -> inputSchema.column(k).type()).toList();
        }

        /** The aggregation of rows or sessions, keyed by every group key (the session key holding a time). */
        GroupedAggregation newAggregation() {
            return new GroupedAggregation(keyTypes, calls);
        }

        /** The state's keys: the group keys but the session's, then the session's start. */
        public RowSchema keySchema() {
            List<Column> columns = new ArrayList<>();
            for (int k = 0; k < groupKeys.size(); k++) {
                if (k != windowKey) {
                    Column c = inputSchema.column(groupKeys.get(k));
                    columns.add(new Column(c.name(), c.type(), true));
                }
            }
            columns.add(new Column("session_start", ColumnType.TIMESTAMP, false));
            return new RowSchema(columns);
        }

        /** The state's values: the session's last event time, then the aggregates' states. */
        public RowSchema valueSchema() {
            List<Column> columns = new ArrayList<>();
            columns.add(new Column("session_last", ColumnType.TIMESTAMP, false));
            columns.addAll(newAggregation().stateSchema().columns());
            return new RowSchema(columns);
        }

        public RowSchema outputSchema() {
            return outputSchema;
        }

        @Override
        public ChangelogMode changelogMode() {
            return mode == OutputMode.APPEND || singleBatch ? ChangelogMode.APPEND
                    : ChangelogMode.upsert(java.util.stream.IntStream.range(0, groupKeys.size()).boxed().toList());
        }

        /** Sessions close as the watermark passes their end; complete mode keeps every session. */
        @Override
        public boolean usesWatermark() {
            return mode != OutputMode.COMPLETE;
        }

        @Override
        public Optional<StateSpec> state(String operatorId) {
            return Optional.of(new StateSpec(operatorId, keySchema(), valueSchema()));
        }

        @Override
        public String kind() {
            return "session";
        }

        @Override
        public SessionAggregateOperator create(OperatorContext context) {
            return new SessionAggregateOperator(this, context);
        }

        @Override
        public String describe() {
            List<String> keys = groupKeys.stream().map(k -> inputSchema.column(k).name()).toList();
            return "SessionAggregate(group=" + keys + ", gap=" + gapMillis + " ms, aggregates=" + calls
                    + ", sessions close as the watermark passes their end)";
        }
    }

    /** A session being built: its bounds, the encoded aggregate states it merges, the state entries it replaces. */
    private static final class Session {
        long start;
        long last;
        final List<byte[]> states = new ArrayList<>();
        final List<byte[]> storedKeys = new ArrayList<>();
        boolean changed;

        Session(long start, long last, byte[] state) {
            this.start = start;
            this.last = last;
            states.add(state);
        }
    }

    private final Factory factory;
    private final OperatorContext context;
    private final StateStore store;
    /** The batch's rows, aggregated per (group, event time): rows at the same time are in the same session. */
    private final GroupedAggregation rows;
    private final int[] keyChannels;
    /** The sessions of this batch's result aggregation that are stored but not emitted, in increasing order. */
    private final List<Integer> unemitted = new ArrayList<>();

    private SessionAggregateOperator(Factory factory, OperatorContext context) {
        this.factory = factory;
        this.context = context;
        this.store = context.requireState();
        this.rows = factory.newAggregation();
        this.keyChannels = factory.groupKeys.stream().mapToInt(Integer::intValue).toArray();
    }

    @Override
    public List<ChangeBatch> add(int input, ChangeBatch batch) {
        try (batch) {
            if (!batch.isInsertOnly()) {
                throw new IllegalStateException("A session window aggregation got deleted rows, which it can't take "
                        + "back yet");
            }
            rows.addInput(batch.rows(), keyChannels);
        }
        return List.of();
    }

    @Override
    public List<ChangeBatch> finish() {
        VectorSchemaRoot emitted = aggregate(factory.mode, context.watermark());
        return emitted == null ? List.of() : List.of(ChangeBatch.inserts(emitted));
    }

    /**
     * Adds the batch's rows to the sessions, updates the state, and returns the rows to emit (the output's
     * columns: group keys, the session key being the session's start, then aggregates), or null for none.
     */
    private VectorSchemaRoot aggregate(OutputMode mode, long watermark) {
        // The groups by the encoding of their keys but the session's (the state key but its last column), in
        // the bytes' order: distinct keys never collide, whatever they print as.
        Map<EncodedKey, Group> byGroup = new TreeMap<>();
        for (Iterator<StateEntry> it = store.iterator(); it.hasNext(); ) {
            StateEntry e = it.next();
            byte[] key = e.key();
            int startAt = key.length - RowCodec.LONG_BYTES;  // the session's start: a TIMESTAMP, never NULL
            ByteArrayReader value = new ByteArrayReader(e.value());
            long last = value.readLong();
            Session s = new Session(RowCodec.readLong(key, startAt), last,
                    Arrays.copyOfRange(e.value(), value.position(), e.value().length));
            s.storedKeys.add(key);
            byGroup.computeIfAbsent(new EncodedKey(Arrays.copyOf(key, startAt)), k -> new Group())
                    .sessions.add(s);
        }
        if (rows.groupCount() > 0) {
            // The batch's groups, their keys read from the aggregation's key columns.
            try (VectorSchemaRoot root = VectorSchemaRoot.create(factory.outputSchema.toArrowSchema(), context.allocator())) {
                root.allocateNew();
                rows.writeResults(root);
                TimeStampMilliVector times = (TimeStampMilliVector) root.getVector(factory.windowKey);
                ByteArrayWriter others = new ByteArrayWriter();
                for (int g = 0; g < rows.groupCount(); g++) {
                    if (times.isNull(g)) {
                        continue;  // no event time, no session (NULL times are dropped as late on streams)
                    }
                    others.reset();
                    for (int k = 0; k < factory.groupKeys.size(); k++) {
                        if (k != factory.windowKey) {
                            RowCodec.write(root.getVector(k), g, others);
                        }
                    }
                    Session s = new Session(times.get(g), times.get(g), rows.state(g));
                    s.changed = true;
                    byGroup.computeIfAbsent(new EncodedKey(others.toByteArray()), k -> new Group()).sessions.add(s);
                }
            }
        }
        GroupedAggregation out = factory.newAggregation();
        for (Map.Entry<EncodedKey, Group> group : byGroup.entrySet()) {
            for (Session s : merge(group.getValue().sessions)) {
                boolean closed = watermark != Long.MIN_VALUE && s.last + factory.gapMillis <= watermark;
                boolean emit = switch (mode) {
                    case UPDATE -> s.changed;
                    case COMPLETE -> true;
                    case APPEND -> closed;
                };
                boolean keep = !closed || mode == OutputMode.COMPLETE;
                if (!emit && !(s.changed && keep)) {
                    if (!keep) {
                        s.storedKeys.forEach(store::remove);
                    }
                    continue;
                }
                int session = out.addKey(aggregationKey(group.getKey().bytes(), s.start));
                s.states.forEach(state -> out.mergeState(session, state));
                if (s.changed || !keep) {
                    s.storedKeys.forEach(store::remove);
                }
                if (s.changed && keep) {
                    byte[] state = out.state(session);
                    ByteArrayWriter value = new ByteArrayWriter(8 + state.length).writeLong(s.last).writeBytes(state);
                    byte[] storedKey = new ByteArrayWriter(group.getKey().bytes().length + RowCodec.LONG_BYTES)
                            .writeBytes(group.getKey().bytes()).writeByte(1).writeLong(s.start).toByteArray();
                    store.put(storedKey, value.toByteArray());
                }
                if (!emit) {
                    unemitted.add(session);
                }
            }
        }
        return results(out);
    }

    /** The sessions of one group (its keys but the session's). */
    private static final class Group {
        final List<Session> sessions = new ArrayList<>();
    }

    /**
     * The key of a session in the aggregation ({@link GroupedAggregation}'s key encoding, every group key, the
     * session's start among them), from the row encoding of its group's other keys: the two encodings differ only
     * in a VARCHAR's length (variable-length vs 4 bytes) and in a DOUBLE's (raw vs canonical bits).
     */
    private byte[] aggregationKey(byte[] others, long start) {
        ByteArrayWriter key = new ByteArrayWriter(others.length + 16);
        int offset = 0;
        for (int k = 0; k < factory.keyTypes.size(); k++) {
            if (k == factory.windowKey) {
                key.writeByte(1).writeLong(start);
                continue;
            }
            ColumnType type = factory.keyTypes.get(k);
            int end = RowCodec.skip(others, offset, type);
            if (RowCodec.isNull(others, offset)) {
                key.writeByte(0);
            } else if (type == ColumnType.VARCHAR) {
                int utf8 = RowCodec.valueStart(others, offset, type);
                key.writeByte(1).writeInt(end - utf8).writeBytes(others, utf8, end - utf8);
            } else if (type == ColumnType.DOUBLE) {
                double value = Double.longBitsToDouble(RowCodec.readLong(others, offset));
                key.writeByte(1).writeLong(Double.doubleToLongBits(value + 0.0));
            } else {
                key.writeBytes(others, offset, end - offset);  // the same bytes
            }
            offset = end;
        }
        return key.toByteArray();
    }

    /** The result rows of the sessions of {@code out} to emit, or null for none. */
    private VectorSchemaRoot results(GroupedAggregation out) {
        int count = out.groupCount() - unemitted.size();
        if (count == 0) {
            return null;
        }
        VectorSchemaRoot root = VectorSchemaRoot.create(factory.outputSchema.toArrowSchema(), context.allocator());
        try {
            root.allocateNew();
            out.writeResults(root);
            if (unemitted.isEmpty()) {
                return root;
            }
            int[] kept = new int[count];
            int k = 0;
            int u = 0;
            for (int g = 0; g < out.groupCount(); g++) {
                if (u < unemitted.size() && unemitted.get(u) == g) {
                    u++;
                } else {
                    kept[k++] = g;
                }
            }
            BitSet columns = new BitSet();
            columns.set(0, factory.outputSchema.size());
            try (root) {
                return RowSelection.of(kept, count).compact(root, columns, context.allocator());
            }
        } catch (RuntimeException | Error e) {
            root.close();
            throw e;
        }
    }

    /** Sessions of one group in start order, those less than the gap apart merged. */
    private List<Session> merge(List<Session> sessions) {
        sessions.sort(Comparator.comparingLong(s -> s.start));
        List<Session> merged = new ArrayList<>();
        Session current = null;
        for (Session s : sessions) {
            if (current != null && s.start < current.last + factory.gapMillis) {
                current.last = Math.max(current.last, s.last);
                current.states.addAll(s.states);
                current.storedKeys.addAll(s.storedKeys);
                current.changed |= s.changed;
            } else {
                current = s;
                merged.add(s);
            }
        }
        return merged;
    }
}
