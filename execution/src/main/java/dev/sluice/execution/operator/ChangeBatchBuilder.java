package dev.sluice.execution.operator;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.changelog.ChangeBatch;
import dev.sluice.execution.state.RowCodec;
import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.RowSchema;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Builds the change batches an operator emits a row at a time, each value copied straight from an input
 * vector or decoded from a row kept in the state ({@link RowCodec}): no Java object per value. A row's
 * columns not written are NULL. Batches hold at most {@link #MAX_ROWS} rows (as the tasks' do) unless told
 * otherwise.
 *
 * <p>Use: per row, write its columns, then {@link #endRow} with its weight; {@link #build} once. Not
 * thread-safe; {@link #close} frees what was not built.
 */
final class ChangeBatchBuilder implements AutoCloseable {
    static final int MAX_ROWS = 64 * 1024;

    private final RowSchema schema;
    private final int maxRows;
    private final ColumnType[] types;
    private final BufferAllocator allocator;
    private final List<VectorSchemaRoot> full = new ArrayList<>();
    private final List<int[]> fullWeights = new ArrayList<>();
    private VectorSchemaRoot current;
    private List<FieldVector> vectors;
    private int[] weights = new int[64];
    private int row;

    ChangeBatchBuilder(RowSchema schema, BufferAllocator allocator) {
        this(schema, allocator, MAX_ROWS);
    }

    /** A builder whose batches hold at most {@code maxRows} rows each. */
    ChangeBatchBuilder(RowSchema schema, BufferAllocator allocator, int maxRows) {
        this.maxRows = maxRows;
        this.schema = requireNonNull(schema, "schema is null");
        this.types = RowCodec.types(schema);
        this.allocator = requireNonNull(allocator, "allocator is null");
    }

    private List<FieldVector> vectors() {
        if (current == null) {
            current = VectorSchemaRoot.create(schema.toArrowSchema(), allocator);
            current.allocateNew();
            vectors = current.getFieldVectors();
            row = 0;
        }
        return vectors;
    }

    /** Sets column {@code column} of the row being built to row {@code from} of {@code source} (same type). */
    void copy(int column, FieldVector source, int from) {
        vectors().get(column).copyFromSafe(from, row, source);
    }

    /** Sets columns {@code [first, first + width)} to the columns of row {@code from} of {@code source}. */
    void copyRow(int first, VectorSchemaRoot source, int from) {
        List<FieldVector> target = vectors();
        List<FieldVector> columns = source.getFieldVectors();
        for (int c = 0; c < columns.size(); c++) {
            target.get(first + c).copyFromSafe(from, row, columns.get(c));
        }
    }

    /**
     * Sets columns {@code [first, first + count)} to the values encoded ({@link RowCodec}) at {@code offset} of
     * {@code bytes}; returns the end of what was read.
     */
    int decode(int first, int count, byte[] bytes, int offset) {
        List<FieldVector> target = vectors();
        for (int c = first; c < first + count; c++) {
            offset = RowCodec.read(bytes, offset, types[c], target.get(c), row);
        }
        return offset;
    }

    /** Sets BIGINT column {@code column}. */
    void setLong(int column, long value) {
        ((BigIntVector) vectors().get(column)).setSafe(row, value);
    }

    /** Ends the row being built: it is inserted ({@code weight} +1) or deleted (-1). */
    void endRow(int weight) {
        vectors();
        if (row == weights.length) {
            weights = Arrays.copyOf(weights, row * 2);
        }
        weights[row++] = weight;
        if (row == maxRows) {
            flush();
        }
    }

    /** Rows ended so far. */
    boolean isEmpty() {
        return current == null && full.isEmpty();
    }

    private void flush() {
        current.setRowCount(row);
        full.add(current);
        fullWeights.add(Arrays.copyOf(weights, row));
        current = null;
        vectors = null;
        row = 0;
    }

    /**
     * The rows built, as change batches that belong to the caller: with weights when a row is deleted (or when
     * {@code withWeights}), else inserts.
     */
    List<ChangeBatch> build(boolean withWeights) {
        if (current != null && row > 0) {
            flush();
        }
        List<ChangeBatch> out = new ArrayList<>(full.size());
        try {
            while (!full.isEmpty()) {
                VectorSchemaRoot rows = full.remove(0);
                int[] w = fullWeights.remove(0);
                boolean deletes = false;
                for (int x : w) {
                    deletes |= x != 1;
                }
                if (!deletes && !withWeights) {
                    out.add(ChangeBatch.inserts(rows));
                    continue;
                }
                IntVector vector = new IntVector("$weight", allocator);
                try {
                    vector.allocateNew(w.length);
                    for (int i = 0; i < w.length; i++) {
                        vector.set(i, w[i]);
                    }
                    vector.setValueCount(w.length);
                } catch (RuntimeException | Error e) {
                    vector.close();
                    rows.close();
                    throw e;
                }
                out.add(ChangeBatch.of(rows, vector));
            }
            return out;
        } catch (RuntimeException | Error e) {
            out.forEach(ChangeBatch::close);
            throw e;
        }
    }

    /**
     * The rows built, all inserted, as one batch the caller owns (for a builder with no row limit), or null when
     * there is none.
     */
    VectorSchemaRoot buildRows() {
        if (!full.isEmpty()) {
            throw new IllegalStateException("the rows were split into batches of " + maxRows);
        }
        for (int i = 0; i < row; i++) {
            if (weights[i] != 1) {
                throw new IllegalStateException("a row to build as an insert was deleted");
            }
        }
        if (current == null || row == 0) {
            return null;
        }
        VectorSchemaRoot rows = current;
        rows.setRowCount(row);
        current = null;
        vectors = null;
        row = 0;
        return rows;
    }

    @Override
    public void close() {
        full.forEach(VectorSchemaRoot::close);
        full.clear();
        if (current != null) {
            current.close();
            current = null;
        }
    }
}
