package dev.sluice.execution.operator;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.changelog.ChangeBatch;
import dev.sluice.execution.changelog.ChangelogMode;
import dev.sluice.execution.source.StreamSource;
import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.RowSchema;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * The records of a table of upserts as an upsert changelog, for an operator that keeps the latest row per key
 * itself (a temporal join's versioned side): a row is its key's new row (weight +1), a tombstone a delete of its
 * key (weight -1, only the key's columns set). Stateless: unlike {@link ChangelogNormalizeOperator}, it does not
 * know a key's previous row, so its deletes name keys, not rows.
 *
 * <p>Input: the scan's columns, then the {@link StreamSource#DELETED_COLUMN}; output: the scan's columns.
 */
public final class UpsertScanOperator implements StreamOperator {
    /** The scan's columns and the key they hold. */
    public static final class Factory implements StreamOperator.Factory {
        private final String table;
        private final RowSchema outputSchema;
        private final List<Integer> key;

        /**
         * @param inputSchema the scan's columns, then the deleted flag
         * @param key the primary key's columns, as indexes of the scan's columns
         */
        public Factory(String table, RowSchema inputSchema, List<Integer> key) {
            this.table = requireNonNull(table, "table is null");
            int deleted = inputSchema.size() - 1;
            if (deleted < 0 || !inputSchema.column(deleted).name().equals(StreamSource.DELETED_COLUMN)
                    || inputSchema.column(deleted).type() != ColumnType.BOOLEAN) {
                throw new IllegalArgumentException("The last input column of an upsert scan must be the BOOLEAN "
                        + StreamSource.DELETED_COLUMN + ": " + inputSchema.names());
            }
            this.key = List.copyOf(key);
            if (this.key.isEmpty() || this.key.stream().anyMatch(k -> k < 0 || k >= deleted)) {
                throw new IllegalArgumentException("An upsert scan's key " + key + " must be among its columns");
            }
            this.outputSchema = new RowSchema(inputSchema.columns().subList(0, deleted));
        }

        @Override
        public RowSchema outputSchema() {
            return outputSchema;
        }

        @Override
        public ChangelogMode changelogMode() {
            return ChangelogMode.upsert(key);
        }

        @Override
        public UpsertScanOperator create(OperatorContext context) {
            return new UpsertScanOperator(this, context);
        }

        @Override
        public String describe() {
            return "UpsertScan(table=" + table + ", rows replace their " + key.stream()
                    .map(k -> outputSchema.column(k).name()).toList() + ", a tombstone deletes it)";
        }
    }

    private final Factory factory;
    private final OperatorContext context;

    private UpsertScanOperator(Factory factory, OperatorContext context) {
        this.factory = factory;
        this.context = context;
    }

    @Override
    public List<ChangeBatch> add(int input, ChangeBatch batch) {
        VectorSchemaRoot in = batch.rows();
        int width = factory.outputSchema.size();
        int rows = in.getRowCount();
        BitVector deleted = (BitVector) in.getVector(width);
        IntVector weights = new IntVector("$weight", context.allocator());
        weights.allocateNew(rows);
        boolean anyDelete = false;
        for (int r = 0; r < rows; r++) {
            boolean delete = !deleted.isNull(r) && deleted.get(r) == 1;
            weights.set(r, delete ? -1 : 1);
            anyDelete |= delete;
        }
        weights.setValueCount(rows);
        // The rows' own vectors are passed on (transferred); only the flag is dropped.
        List<FieldVector> vectors = new ArrayList<>(width);
        for (int c = 0; c < width; c++) {
            FieldVector v = in.getVector(c);
            org.apache.arrow.vector.util.TransferPair transfer = v.getTransferPair(context.allocator());
            transfer.transfer();
            vectors.add((FieldVector) transfer.getTo());
        }
        batch.close();
        VectorSchemaRoot out = new VectorSchemaRoot(vectors.stream().map(FieldVector::getField).toList(), vectors, rows);
        if (!anyDelete) {
            weights.close();
            return List.of(ChangeBatch.inserts(out));
        }
        return List.of(ChangeBatch.of(out, weights));
    }

    @Override
    public List<ChangeBatch> finish() {
        return List.of();
    }
}
