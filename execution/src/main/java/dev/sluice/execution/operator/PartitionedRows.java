package dev.sluice.execution.operator;

import dev.sluice.execution.changelog.ChangeBatch;
import dev.sluice.execution.state.ByteArrayWriter;
import dev.sluice.execution.state.RowCodec;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.RowSchema;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * A batch's inserted rows grouped by their partition key (the values of the partition columns), partitions
 * and rows in arrival order: what an operator that works per partition (OVER) gathers in {@code add} and
 * works through in {@code finish}. The rows stay in their input batches' vectors: a partition is the list of
 * its rows' positions, its key the partition columns' encoding ({@link RowCodec}, the state's key), hashed
 * straight from the vectors.
 */
final class PartitionedRows implements AutoCloseable {
    /** The rows of one partition: positions in the input batches, in arrival order. */
    static final class Rows {
        private long[] positions = new long[4];
        private int size;

        private void add(int batch, int row) {
            if (size == positions.length) {
                positions = Arrays.copyOf(positions, size * 2);
            }
            positions[size++] = ((long) batch << 32) | row;
        }

        int size() {
            return size;
        }

        /** The index (in {@link #batch}) of the batch holding the {@code i}-th row. */
        int batch(int i) {
            return (int) (positions[i] >>> 32);
        }

        /** The position of the {@code i}-th row in its batch. */
        int row(int i) {
            return (int) positions[i];
        }
    }

    private final int[] partition;
    private final String operator;
    private final List<ChangeBatch> batches = new ArrayList<>();
    private final Map<EncodedKey, Rows> rows = new LinkedHashMap<>();
    private final ByteArrayWriter scratch = new ByteArrayWriter();

    /** @param operator how error messages name the operator */
    PartitionedRows(List<Integer> partition, String operator) {
        this.partition = partition.stream().mapToInt(Integer::intValue).toArray();
        this.operator = operator;
    }

    /** The state key of a partition: its columns of {@code input}, nullable (a NULL key is a partition too). */
    static RowSchema keySchema(RowSchema input, List<Integer> partition) {
        List<Column> keys = new ArrayList<>();
        for (int p : partition) {
            Column c = input.column(p);
            keys.add(new Column(c.name(), c.type(), true));
        }
        return new RowSchema(keys);
    }

    /** The encoded partition key of row {@code row} of {@code batch}: the state's key of its partition. */
    static byte[] key(int[] partition, VectorSchemaRoot batch, int row, ByteArrayWriter scratch) {
        scratch.reset();
        for (int p : partition) {
            RowCodec.write(batch.getVector(p), row, scratch);
        }
        return scratch.toByteArray();
    }

    /** Takes a batch of inserts (kept, and closed with this). */
    void add(ChangeBatch batch) {
        batches.add(batch);
        if (!batch.isInsertOnly()) {
            throw new IllegalStateException(operator + " got deleted rows, which it can't take back yet");
        }
        int index = batches.size() - 1;
        VectorSchemaRoot root = batch.rows();
        for (int r = 0; r < root.getRowCount(); r++) {
            rows.computeIfAbsent(new EncodedKey(key(partition, root, r, scratch)), k -> new Rows()).add(index, r);
        }
    }

    /** The rows so far, by encoded partition key. */
    Map<EncodedKey, Rows> byKey() {
        return rows;
    }

    /** The {@code index}-th batch added. */
    VectorSchemaRoot batch(int index) {
        return batches.get(index).rows();
    }

    @Override
    public void close() {
        rows.clear();
        batches.forEach(ChangeBatch::close);
        batches.clear();
    }
}
