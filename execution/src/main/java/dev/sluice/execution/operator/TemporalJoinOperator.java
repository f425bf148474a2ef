package dev.sluice.execution.operator;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.changelog.ChangeBatch;
import dev.sluice.execution.changelog.ChangelogMode;
import dev.sluice.execution.state.RowCodec;
import dev.sluice.execution.state.StateEntry;
import dev.sluice.execution.state.StateSpec;
import dev.sluice.execution.state.StateStore;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.RowSchema;
import dev.sluice.execution.type.VectorValues;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The batch-level step of a temporal join ({@code TemporalJoinNode}): a stream's rows meet the latest row per key
 * of a versioned table. Per batch, the versioned side's new rows replace their key's row in the state (in the
 * order read), then each new stream row is joined with the rows of its join key. The stream's rows are not kept:
 * a row of the versioned table that comes later does not join with earlier stream rows, as in Flink's
 * processing-time temporal join, so the output only appends and keeps the stream's event times (the operator
 * passes its input watermark on unchanged). One instance per batch.
 *
 * <p>State: one entry per key of the versioned table, keyed by the key's columns; its value the key's latest
 * row. Its size is
 * the number of keys, however many versions were written.
 */
public final class TemporalJoinOperator implements StreamOperator {
    private static final int STREAM = 0;

    /** What every batch's join shares: the sides' schemas, the join keys and the versioned side's primary key. */
    public static final class Factory implements StreamOperator.Factory {
        private final RowSchema streamSchema;
        private final RowSchema versionedSchema;
        private final List<Integer> streamKeys;
        private final List<Integer> versionedKeys;
        private final List<Integer> primaryKey;
        private final boolean outer;
        private final RowSchema outputSchema;

        public Factory(RowSchema streamSchema, RowSchema versionedSchema, List<Integer> streamKeys,
                       List<Integer> versionedKeys, List<Integer> primaryKey, boolean outer, RowSchema outputSchema) {
            this.streamSchema = requireNonNull(streamSchema, "streamSchema is null");
            this.versionedSchema = requireNonNull(versionedSchema, "versionedSchema is null");
            this.streamKeys = List.copyOf(streamKeys);
            this.versionedKeys = List.copyOf(versionedKeys);
            this.primaryKey = List.copyOf(primaryKey);
            this.outer = outer;
            this.outputSchema = requireNonNull(outputSchema, "outputSchema is null");
            if (outputSchema.size() != streamSchema.size() + versionedSchema.size()) {
                throw new IllegalArgumentException("A temporal join emits " + (streamSchema.size()
                        + versionedSchema.size()) + " columns, not " + outputSchema.size());
            }
        }

        /** The state's key: the primary key's columns. */
        RowSchema stateKeySchema() {
            List<Column> columns = new ArrayList<>();
            primaryKey.forEach(k -> columns.add(nullable(versionedSchema.column(k))));
            return new RowSchema(columns);
        }

        RowSchema stateValueSchema() {
            return new RowSchema(versionedSchema.columns().stream().map(Factory::nullable).toList());
        }

        private static Column nullable(Column c) {
            return new Column(c.name(), c.type(), true);
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
        public Optional<StateSpec> state(String operatorId) {
            return Optional.of(new StateSpec(operatorId, stateKeySchema(), stateValueSchema()));
        }

        @Override
        public String kind() {
            return "temporal-join";
        }

        @Override
        public TemporalJoinOperator create(OperatorContext context) {
            return new TemporalJoinOperator(this, context);
        }

        @Override
        public String describe() {
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < streamKeys.size(); i++) {
                keys.add(streamSchema.column(streamKeys.get(i)).name() + " = "
                        + versionedSchema.column(versionedKeys.get(i)).name());
            }
            return "TemporalJoin(" + (outer ? "LEFT, " : "") + "keys=" + keys + ", each stream row meets the latest "
                    + "row per " + primaryKey.stream().map(k -> versionedSchema.column(k).name()).toList()
                    + " of the versioned side read so far)";
        }
    }

    private final Factory factory;
    private final OperatorContext context;
    private final StateStore store;
    private final List<List<Object>> streamRows = new ArrayList<>();
    private final List<List<Object>> versions = new ArrayList<>();
    /** Per version: whether it deletes its key (a tombstone of a table of upserts). */
    private final List<Boolean> deletes = new ArrayList<>();

    private TemporalJoinOperator(Factory factory, OperatorContext context) {
        this.factory = factory;
        this.context = context;
        this.store = context.requireState();
    }

    @Override
    public List<ChangeBatch> add(int input, ChangeBatch batch) {
        try (batch) {
            if (input == STREAM && !batch.isInsertOnly()) {
                throw new IllegalStateException("A temporal join got deleted stream rows, which it can't take back yet");
            }
            List<List<Object>> rows = VectorValues.rows(batch.rows());
            if (input == STREAM) {
                streamRows.addAll(rows);
            } else {
                // The versioned side is an upsert changelog: a row replaces its key's, a delete (-1) removes the key.
                for (int r = 0; r < rows.size(); r++) {
                    versions.add(rows.get(r));
                    deletes.add(batch.weight(r) < 0);
                }
            }
        }
        return List.of();
    }

    @Override
    public List<ChangeBatch> finish() {
        RowSchema keySchema = factory.stateKeySchema();
        RowSchema valueSchema = factory.stateValueSchema();
        // The latest row per primary key: the state's, replaced by this batch's versions in the order read.
        Map<List<Object>, List<Object>> latest = new HashMap<>();
        for (Iterator<StateEntry> it = store.iterator(); it.hasNext(); ) {
            StateEntry e = it.next();
            List<Object> row = RowCodec.decode(e.value(), valueSchema);
            latest.put(LookupTable.key(row, factory.primaryKey), row);
        }
        for (int v = 0; v < versions.size(); v++) {
            List<Object> row = versions.get(v);
            List<Object> pk = LookupTable.key(row, factory.primaryKey);
            if (pk == null) {
                continue;  // a row with a NULL key column is no version of any key
            }
            // The state key holds the key's values as read (an INTEGER stays an Integer); pk compares them as longs.
            byte[] stateKey = RowCodec.encode(factory.primaryKey.stream().map(row::get).toList(), keySchema);
            if (deletes.get(v)) {
                latest.remove(pk);
                store.remove(stateKey);
                continue;
            }
            latest.put(pk, row);
            store.put(stateKey, RowCodec.encode(row, valueSchema));
        }
        versions.clear();
        deletes.clear();
        Map<List<Object>, List<List<Object>>> byJoinKey = new HashMap<>();
        for (List<Object> row : latest.values()) {
            List<Object> key = LookupTable.key(row, factory.versionedKeys);
            if (key != null) {
                byJoinKey.computeIfAbsent(key, k -> new ArrayList<>()).add(row);
            }
        }
        List<List<Object>> out = new ArrayList<>();
        for (List<Object> row : streamRows) {
            List<List<Object>> matches = byJoinKey.getOrDefault(LookupTable.key(row, factory.streamKeys), List.of());
            for (List<Object> match : matches) {
                List<Object> pair = new ArrayList<>(row);
                pair.addAll(match);
                out.add(pair);
            }
            if (matches.isEmpty() && factory.outer) {
                List<Object> padded = new ArrayList<>(row);
                padded.addAll(Collections.nCopies(factory.versionedSchema.size(), null));
                out.add(padded);
            }
        }
        streamRows.clear();
        return out.isEmpty() ? List.of()
                : List.of(ChangeBatch.inserts(VectorValues.toBatch(factory.outputSchema, out, context.allocator())));
    }
}
