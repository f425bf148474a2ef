package dev.sluice.execution.operator;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.aggregate.AggregateCall;
import dev.sluice.execution.aggregate.AggregateFunction;
import dev.sluice.execution.aggregate.OutputMode;
import dev.sluice.execution.changelog.ChangeBatch;
import dev.sluice.execution.changelog.ChangelogMode;
import dev.sluice.execution.state.RowCodec;
import dev.sluice.execution.state.StateSpec;
import dev.sluice.execution.state.StateEntry;
import dev.sluice.execution.state.StateStore;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.RowSchema;
import dev.sluice.execution.type.VectorValues;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * GROUP BY {@code SESSION(ts, gap)}, at the batch level: per group, rows less than {@code gap} apart form a
 * session, and a batch's rows may extend, start or join sessions kept from earlier batches. The sessions are
 * the state (key: the group's other keys and the session's start; value: its last event time and the
 * aggregates' running values), versioned by batch like any state. Emits per output mode: update, the
 * sessions the batch changed; complete, every session; append, each session once the watermark passes its
 * end (last event + gap). Sessions the watermark has closed leave the state (except in complete mode).
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
            for (AggregateCall c : calls) {
                if (c.function() == AggregateFunction.COUNT_DISTINCT) {
                    throw new IllegalArgumentException("COUNT(DISTINCT ...) is not supported over SESSION windows yet");
                }
            }
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

        /** The state's values: the session's last event time, then two running values per aggregate. */
        public RowSchema valueSchema() {
            List<Column> columns = new ArrayList<>();
            columns.add(new Column("session_last", ColumnType.TIMESTAMP, false));
            for (int i = 0; i < calls.size(); i++) {
                AggregateCall c = calls.get(i);
                ColumnType first = switch (c.function()) {
                    case COUNT_STAR, COUNT, COUNT_DISTINCT -> ColumnType.BIGINT;
                    case SUM -> c.argumentType() == ColumnType.DOUBLE ? ColumnType.DOUBLE : ColumnType.BIGINT;
                    case AVG -> ColumnType.DOUBLE;
                    case MIN, MAX -> c.argumentType();
                };
                columns.add(new Column("a" + i, first, true));
                columns.add(new Column("b" + i, ColumnType.BIGINT, true));
            }
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

    /** A session being built: its bounds, running values, and the state entries it replaces. */
    private static final class Session {
        long start;
        long last;
        final Object[] values;
        final List<byte[]> storedKeys = new ArrayList<>();
        boolean changed;

        Session(long start, long last, Object[] values) {
            this.start = start;
            this.last = last;
            this.values = values;
        }
    }

    private final Factory factory;
    private final OperatorContext context;
    private final StateStore store;
    private final List<List<Object>> rows = new ArrayList<>();

    private SessionAggregateOperator(Factory factory, OperatorContext context) {
        this.factory = factory;
        this.context = context;
        this.store = context.requireState();
    }

    @Override
    public List<ChangeBatch> add(int input, ChangeBatch batch) {
        try (batch) {
            if (!batch.isInsertOnly()) {
                throw new IllegalStateException("A session window aggregation got deleted rows, which it can't take "
                        + "back yet");
            }
            rows.addAll(VectorValues.rows(batch.rows()));
        }
        return List.of();
    }

    @Override
    public List<ChangeBatch> finish() {
        List<List<Object>> emitted = aggregate(rows, factory.mode, context.watermark());
        rows.clear();
        return emitted.isEmpty() ? List.of()
                : List.of(ChangeBatch.inserts(VectorValues.toBatch(factory.outputSchema, emitted, context.allocator())));
    }

    /**
     * Adds the batch's rows (the input's columns) to the sessions, updates the state, and returns the rows
     * to emit (the output's columns: group keys, the session key being the session's start, then aggregates).
     */
    public List<List<Object>> aggregate(List<List<Object>> rows, OutputMode mode, long watermark) {
        RowSchema keySchema = factory.keySchema();
        RowSchema valueSchema = factory.valueSchema();
        Map<List<Object>, List<Session>> byGroup = new TreeMap<>(Comparator.comparing(Object::toString));
        for (Iterator<StateEntry> it = store.iterator(); it.hasNext(); ) {
            StateEntry e = it.next();
            List<Object> key = RowCodec.decode(e.key(), keySchema);
            List<Object> value = RowCodec.decode(e.value(), valueSchema);
            Session s = new Session(millis(key.get(key.size() - 1)), millis(value.get(0)),
                    value.subList(1, value.size()).toArray());
            s.storedKeys.add(e.key());
            byGroup.computeIfAbsent(new ArrayList<>(key.subList(0, key.size() - 1)), k -> new ArrayList<>()).add(s);
        }
        int time = factory.groupKeys.get(factory.windowKey);
        for (List<Object> row : rows) {
            Object ts = row.get(time);
            if (ts == null) {
                continue;  // no event time, no session (NULL times are dropped as late on streams)
            }
            Session s = new Session(millis(ts), millis(ts), valuesOf(row));
            s.changed = true;
            byGroup.computeIfAbsent(otherKeys(row), k -> new ArrayList<>()).add(s);
        }
        List<List<Object>> out = new ArrayList<>();
        for (Map.Entry<List<Object>, List<Session>> group : byGroup.entrySet()) {
            for (Session s : merge(group.getValue())) {
                boolean closed = watermark != Long.MIN_VALUE && s.last + factory.gapMillis <= watermark;
                boolean emit = switch (mode) {
                    case UPDATE -> s.changed;
                    case COMPLETE -> true;
                    case APPEND -> closed;
                };
                if (emit) {
                    out.add(result(group.getKey(), s));
                }
                boolean keep = !closed || mode == OutputMode.COMPLETE;
                if (s.changed || !keep) {
                    s.storedKeys.forEach(store::remove);
                }
                if (s.changed && keep) {
                    List<Object> key = new ArrayList<>(group.getKey());
                    key.add(VectorValues.toLocalDateTime(s.start));
                    List<Object> value = new ArrayList<>();
                    value.add(VectorValues.toLocalDateTime(s.last));
                    value.addAll(java.util.Arrays.asList(s.values));
                    store.put(RowCodec.encode(key, keySchema), RowCodec.encode(value, valueSchema));
                }
            }
        }
        return out;
    }

    /** Sessions of one group in start order, those less than the gap apart merged. */
    private List<Session> merge(List<Session> sessions) {
        sessions.sort(Comparator.comparingLong(s -> s.start));
        List<Session> merged = new ArrayList<>();
        Session current = null;
        for (Session s : sessions) {
            if (current != null && s.start < current.last + factory.gapMillis) {
                current.last = Math.max(current.last, s.last);
                combine(current.values, s.values);
                current.storedKeys.addAll(s.storedKeys);
                current.changed |= s.changed;
            } else {
                current = s;
                merged.add(s);
            }
        }
        return merged;
    }

    private List<Object> otherKeys(List<Object> row) {
        List<Object> keys = new ArrayList<>();
        for (int k = 0; k < factory.groupKeys.size(); k++) {
            if (k != factory.windowKey) {
                keys.add(row.get(factory.groupKeys.get(k)));
            }
        }
        return keys;
    }

    /** The running values of one row: two per aggregate. */
    private Object[] valuesOf(List<Object> row) {
        Object[] v = new Object[factory.calls.size() * 2];
        for (int i = 0; i < factory.calls.size(); i++) {
            AggregateCall c = factory.calls.get(i);
            Object arg = c.argument() >= 0 ? row.get(c.argument()) : null;
            switch (c.function()) {
                case COUNT_STAR -> v[2 * i] = 1L;
                case COUNT, COUNT_DISTINCT -> v[2 * i] = arg == null ? 0L : 1L;
                case SUM -> v[2 * i] = arg == null ? null : c.argumentType() == ColumnType.DOUBLE
                        ? (Object) ((Number) arg).doubleValue() : (Object) ((Number) arg).longValue();
                case AVG -> {
                    v[2 * i] = arg == null ? null : ((Number) arg).doubleValue();
                    v[2 * i + 1] = arg == null ? 0L : 1L;
                }
                case MIN, MAX -> v[2 * i] = arg;
            }
        }
        return v;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void combine(Object[] into, Object[] from) {
        for (int i = 0; i < factory.calls.size(); i++) {
            Object a = into[2 * i];
            Object b = from[2 * i];
            switch (factory.calls.get(i).function()) {
                case COUNT_STAR, COUNT, COUNT_DISTINCT -> into[2 * i] = (Long) a + (Long) b;
                case SUM -> into[2 * i] = a == null ? b : b == null ? a
                        : a instanceof Double ? (Object) ((Double) a + (Double) b)
                        : (Object) Math.addExact((Long) a, (Long) b);
                case AVG -> {
                    into[2 * i] = a == null ? b : b == null ? a : (Double) a + (Double) b;
                    into[2 * i + 1] = (Long) into[2 * i + 1] + (Long) from[2 * i + 1];
                }
                case MIN -> into[2 * i] = a == null ? b : b == null ? a : ((Comparable) a).compareTo(b) <= 0 ? a : b;
                case MAX -> into[2 * i] = a == null ? b : b == null ? a : ((Comparable) a).compareTo(b) >= 0 ? a : b;
            }
        }
    }

    /** The output row of a session: the group keys (the session's start for the session key), the aggregates. */
    private List<Object> result(List<Object> otherKeys, Session s) {
        List<Object> row = new ArrayList<>();
        int other = 0;
        for (int k = 0; k < factory.groupKeys.size(); k++) {
            row.add(k == factory.windowKey ? VectorValues.toLocalDateTime(s.start) : otherKeys.get(other++));
        }
        for (int i = 0; i < factory.calls.size(); i++) {
            AggregateCall c = factory.calls.get(i);
            ColumnType type = c.outputColumn().type();
            Object a = s.values[2 * i];
            Object value = switch (c.function()) {
                case AVG -> a == null || (Long) s.values[2 * i + 1] == 0 ? null
                        : (Double) a / (Long) s.values[2 * i + 1];
                default -> a;
            };
            row.add(convert(value, type));
        }
        return row;
    }

    private static Object convert(Object value, ColumnType type) {
        if (value == null) {
            return null;
        }
        return switch (type) {
            case INTEGER -> ((Number) value).intValue();
            case BIGINT -> ((Number) value).longValue();
            case DOUBLE -> ((Number) value).doubleValue();
            default -> value;
        };
    }

    private static long millis(Object timestamp) {
        return VectorValues.toEpochMillis((LocalDateTime) timestamp);
    }
}
