package dev.sluice.execution.operator;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.changelog.ChangeBatch;
import dev.sluice.execution.changelog.ChangelogMode;
import dev.sluice.execution.source.StreamSource;
import dev.sluice.execution.state.ByteArrayWriter;
import dev.sluice.execution.state.RowCodec;
import dev.sluice.execution.state.StateSpec;
import dev.sluice.execution.state.StateStore;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.RowSchema;
import dev.sluice.execution.type.VectorValues;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Reads a table of upserts (a table with a {@code PRIMARY KEY}: each record its key's new row, a tombstone a
 * delete of its key) as its latest row per key, and emits the changes of that table as a retract changelog:
 * for each key a batch changed, the key's previous row (weight -1) and its new one (+1); only the delete when a
 * tombstone removed it; nothing when its row did not change. This is Flink's {@code ChangelogNormalize}, placed
 * right above the scan of such a table, so that a GROUP BY above takes back an old row's contribution.
 *
 * <p>Input: the scan's rows in the order read (per partition, by offset), each with the key's columns and a
 * last BOOLEAN column, {@link StreamSource#DELETED_COLUMN}, TRUE for a tombstone (whose other columns are NULL).
 * Output: the first {@code outputWidth} columns of the input (the columns the query reads).
 *
 * <p>State: one entry per live key, keyed by the primary key's columns; its value the key's current row (the
 * output columns). A tombstone removes its key's entry, so the state is as large as the table now is. One
 * instance per batch.
 */
public final class ChangelogNormalizeOperator implements StreamOperator {
    /** What every batch shares: the scan's columns, the primary key and what the operator emits. */
    public static final class Factory implements StreamOperator.Factory {
        private final String table;
        private final RowSchema inputSchema;
        private final List<Integer> key;
        private final int deletedColumn;
        private final RowSchema outputSchema;
        private final boolean bounded;

        /**
         * @param table the table read, for EXPLAIN
         * @param inputSchema the scan's columns: the output columns first, then any key column they lack, then
         *     the {@link StreamSource#DELETED_COLUMN}
         * @param key the primary key's columns, as indexes of the input
         * @param outputWidth how many of the input's first columns are emitted
         * @param bounded whether the query is bounded: one batch from an empty state, so every row emitted is an
         *     insert, final (the changes are append-only)
         */
        public Factory(String table, RowSchema inputSchema, List<Integer> key, int outputWidth, boolean bounded) {
            this.table = requireNonNull(table, "table is null");
            this.bounded = bounded;
            this.inputSchema = requireNonNull(inputSchema, "inputSchema is null");
            this.key = List.copyOf(key);
            this.deletedColumn = inputSchema.size() - 1;
            Column deleted = inputSchema.column(deletedColumn);
            if (!deleted.name().equals(StreamSource.DELETED_COLUMN) || deleted.type() != ColumnType.BOOLEAN) {
                throw new IllegalArgumentException("The last input column of a normalize step must be the BOOLEAN "
                        + StreamSource.DELETED_COLUMN + ", not " + deleted);
            }
            if (key.isEmpty() || outputWidth > deletedColumn) {
                throw new IllegalArgumentException("A normalize step needs a key and at most " + deletedColumn
                        + " output columns");
            }
            this.outputSchema = new RowSchema(inputSchema.columns().subList(0, outputWidth));
        }

        RowSchema stateKeySchema() {
            return new RowSchema(key.stream().map(k -> nullable(inputSchema.column(k))).toList());
        }

        RowSchema stateValueSchema() {
            return new RowSchema(outputSchema.columns().stream().map(Factory::nullable).toList());
        }

        private static Column nullable(Column c) {
            return new Column(c.name(), c.type(), true);
        }

        @Override
        public RowSchema outputSchema() {
            return outputSchema;
        }

        /** The table read as its latest row per key. */
        public String table() {
            return table;
        }

        @Override
        public ChangelogMode changelogMode() {
            return bounded ? ChangelogMode.APPEND : new ChangelogMode(ChangelogMode.Kind.RETRACT, List.of());
        }

        @Override
        public Optional<StateSpec> state(String operatorId) {
            return Optional.of(new StateSpec(operatorId, stateKeySchema(), stateValueSchema()));
        }

        @Override
        public String kind() {
            return "normalize";
        }

        @Override
        public ChangelogNormalizeOperator create(OperatorContext context) {
            return new ChangelogNormalizeOperator(this, context);
        }

        @Override
        public String describe() {
            return "ChangelogNormalize(table=" + table + ", the latest row per " + key.stream()
                    .map(k -> inputSchema.column(k).name()).toList() + "; a tombstone deletes its key)";
        }
    }

    private final Factory factory;
    private final OperatorContext context;
    private final StateStore store;
    private final int[] key;
    /**
     * This batch's last record per key (the key's encoding, {@link RowCodec}, the state's key), in the order of
     * each key's first record: the row's output columns encoded as the state keeps them, or null for a delete.
     */
    private final Map<EncodedKey, byte[]> latest = new LinkedHashMap<>();
    private final ByteArrayWriter scratch = new ByteArrayWriter();

    private ChangelogNormalizeOperator(Factory factory, OperatorContext context) {
        this.factory = factory;
        this.context = context;
        this.store = context.requireState();
        this.key = factory.key.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * Keeps each key's last record, encoded straight from the vectors (the key's columns as the state's key, the
     * output columns as its value): no Java object per value.
     */
    @Override
    public List<ChangeBatch> add(int input, ChangeBatch batch) {
        try (batch) {
            if (!batch.isInsertOnly()) {
                throw new IllegalStateException("A normalize step reads a scan's records, which are never deletes");
            }
            VectorSchemaRoot root = batch.rows();
            List<FieldVector> vectors = root.getFieldVectors();
            BitVector deletedVector = (BitVector) vectors.get(factory.deletedColumn);
            int width = factory.outputSchema.size();
            for (int r = 0; r < root.getRowCount(); r++) {
                for (int k : key) {
                    if (vectors.get(k).isNull(r)) {
                        // The readers refuse such a record (a key column is NOT NULL); never a version of any key.
                        throw new IllegalStateException("A record of table " + factory.table + " has a NULL key "
                                + keyValues(vectors, r));
                    }
                }
                byte[] encodedKey = PartitionedRows.key(key, root, r, scratch);
                boolean deleted = !deletedVector.isNull(r) && deletedVector.get(r) != 0;
                byte[] row = null;
                if (!deleted) {
                    scratch.reset();
                    for (int c = 0; c < width; c++) {
                        RowCodec.write(vectors.get(c), r, scratch);
                    }
                    row = scratch.toByteArray();
                }
                latest.put(new EncodedKey(encodedKey), row);
            }
        }
        return List.of();
    }

    /** The key's values of row {@code row}, for an error message. */
    private List<Object> keyValues(List<FieldVector> vectors, int row) {
        List<Object> values = new ArrayList<>(key.length);
        for (int k : key) {
            values.add(VectorValues.get(vectors.get(k), row));
        }
        return values;
    }

    /**
     * Per key the batch touched: its stored row (deleted) and its new one (inserted), unless they are equal (the
     * same encoding is the same row); the output decoded from those bytes straight into its vectors.
     */
    @Override
    public List<ChangeBatch> finish() {
        int width = factory.outputSchema.size();
        try (ChangeBatchBuilder out = new ChangeBatchBuilder(factory.outputSchema, context.allocator())) {
            for (Map.Entry<EncodedKey, byte[]> e : latest.entrySet()) {
                byte[] encodedKey = e.getKey().bytes();
                byte[] old = store.get(encodedKey);
                byte[] now = e.getValue();
                if (old != null && Arrays.equals(old, now)) {
                    continue;  // the same row again: no change
                }
                if (old != null) {
                    out.decode(0, width, old, 0);
                    out.endRow(-1);
                }
                if (now != null) {
                    out.decode(0, width, now, 0);
                    out.endRow(1);
                    store.put(encodedKey, now);
                } else if (old != null) {
                    store.remove(encodedKey);
                }
            }
            latest.clear();
            return out.build(true);
        }
    }
}
