package dev.sluice.execution.operator;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.changelog.ChangeBatch;
import dev.sluice.execution.changelog.ChangelogMode;
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
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * The batch-level step of a temporal join ({@code TemporalJoinNode}): a stream's rows meet the latest row per key
 * of a versioned table. Per batch, the versioned side's new rows replace their key's row in the state (in the
 * order read), then each new stream row is joined with the rows of its join key. The stream's rows are not kept:
 * a row of the versioned table that comes later does not join with earlier stream rows, as in Flink's
 * processing-time temporal join, so the output only appends and keeps the stream's event times (the operator
 * passes its input watermark on unchanged). One instance per batch.
 *
 * <p>State: one entry per key of the versioned table, keyed by the key's columns; its value the key's latest
 * row (both in the row encoding, {@link RowCodec}). Its size is the number of keys, however many versions were
 * written. Rows are not boxed: versions are encoded from their vectors, the latest rows indexed by their join
 * key's bytes, stream rows probe with theirs and are copied, with the decoded match, into the output's vectors.
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
    private final int[] streamKeys;
    private final int[] versionedKeys;
    private final int[] primaryKey;
    private final ColumnType[] versionedTypes;
    /** The batch's stream rows, in their input batches (closed with the operator). */
    private final List<ChangeBatch> streamBatches = new ArrayList<>();
    private final ByteArrayWriter scratch = new ByteArrayWriter();

    private TemporalJoinOperator(Factory factory, OperatorContext context) {
        this.factory = factory;
        this.context = context;
        this.store = context.requireState();
        this.streamKeys = factory.streamKeys.stream().mapToInt(Integer::intValue).toArray();
        this.versionedKeys = factory.versionedKeys.stream().mapToInt(Integer::intValue).toArray();
        this.primaryKey = factory.primaryKey.stream().mapToInt(Integer::intValue).toArray();
        this.versionedTypes = RowCodec.types(factory.versionedSchema);
    }

    /**
     * Stream rows wait in their batch for {@link #finish}; versions replace their key's row in the state at once,
     * in the order read, encoded straight from the vectors.
     */
    @Override
    public List<ChangeBatch> add(int input, ChangeBatch batch) {
        if (input == STREAM) {
            streamBatches.add(batch);
            if (!batch.isInsertOnly()) {
                throw new IllegalStateException("A temporal join got deleted rows, which it can't take back yet");
            }
            return List.of();
        }
        // The versioned side is an upsert changelog: a row replaces its key's, a delete (-1) removes the key.
        try (batch) {
            VectorSchemaRoot rows = batch.rows();
            List<FieldVector> vectors = rows.getFieldVectors();
            for (int r = 0; r < rows.getRowCount(); r++) {
                byte[] pk = key(rows, primaryKey, r);
                if (pk == null) {
                    continue;  // a row with a NULL key column is no version of any key
                }
                if (batch.weight(r) < 0) {
                    store.remove(pk);
                    continue;
                }
                scratch.reset();
                RowCodec.write(vectors, r, scratch);
                store.put(pk, scratch.toByteArray());
            }
        }
        return List.of();
    }

    @Override
    public List<ChangeBatch> finish() {
        // The latest row per primary key (the state, this batch's versions applied) by join key, as encoded.
        Map<EncodedKey, List<byte[]>> byJoinKey = new HashMap<>();
        int[] offsets = new int[versionedTypes.length + 1];
        for (Iterator<StateEntry> it = store.iterator(); it.hasNext(); ) {
            byte[] row = it.next().value();
            for (int c = 0; c < versionedTypes.length; c++) {
                offsets[c + 1] = RowCodec.skip(row, offsets[c], versionedTypes[c]);
            }
            scratch.reset();
            boolean nullKey = false;
            for (int k : versionedKeys) {
                nullKey |= RowCodec.isNull(row, offsets[k]);
                scratch.writeBytes(row, offsets[k], offsets[k + 1] - offsets[k]);
            }
            if (!nullKey) {
                byJoinKey.computeIfAbsent(new EncodedKey(scratch.toByteArray()), k -> new ArrayList<>()).add(row);
            }
        }
        int width = factory.streamSchema.size();
        try (ChangeBatchBuilder out = new ChangeBatchBuilder(factory.outputSchema, context.allocator())) {
            for (ChangeBatch batch : streamBatches) {
                VectorSchemaRoot rows = batch.rows();
                for (int r = 0; r < rows.getRowCount(); r++) {
                    byte[] key = key(rows, streamKeys, r);
                    List<byte[]> matches = key == null ? List.of() : byJoinKey.getOrDefault(new EncodedKey(key), List.of());
                    for (byte[] match : matches) {
                        out.copyRow(0, rows, r);
                        out.decode(width, versionedTypes.length, match, 0);
                        out.endRow(1);
                    }
                    if (matches.isEmpty() && factory.outer) {
                        out.copyRow(0, rows, r);
                        out.endRow(1);
                    }
                }
            }
            return out.build(false);
        }
    }

    @Override
    public void close() {
        streamBatches.forEach(ChangeBatch::close);
        streamBatches.clear();
    }

    /** The encoding of columns {@code columns} of row {@code row} (a state or join key), or null if one is NULL. */
    private byte[] key(VectorSchemaRoot rows, int[] columns, int row) {
        scratch.reset();
        for (int c : columns) {
            FieldVector vector = rows.getVector(c);
            if (vector.isNull(row)) {
                return null;
            }
            RowCodec.write(vector, row, scratch);
        }
        return scratch.toByteArray();
    }
}
