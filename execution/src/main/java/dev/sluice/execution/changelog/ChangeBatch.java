package dev.sluice.execution.changelog;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * A batch of changes to a table, as a Z-set (DBSP): Arrow rows, each with an integer weight, +1 for a row
 * inserted and -1 for a row deleted (an update is a delete of the old row and an insert of the new one).
 * A batch of an append-only stream carries no weight vector: every row is an insert.
 *
 * <p>Every operator of an incremental plan reads and writes these, so operators compose: whatever an
 * operator emits is a valid input of the next (see {@link ChangelogMode} for what a plan node promises).
 *
 * <p>Ownership: the batch owns its rows and weights; {@link #close()} releases both. Never empty: operators
 * emit no batch rather than an empty one.
 */
public final class ChangeBatch implements AutoCloseable {
    private final VectorSchemaRoot rows;
    private final IntVector weights;

    private ChangeBatch(VectorSchemaRoot rows, IntVector weights) {
        this.rows = requireNonNull(rows, "rows is null");
        this.weights = weights;
        if (weights != null && weights.getValueCount() != rows.getRowCount()) {
            throw new IllegalArgumentException(weights.getValueCount() + " weights for " + rows.getRowCount() + " rows");
        }
    }

    /** Rows inserted: the batch takes ownership of {@code rows}. */
    public static ChangeBatch inserts(VectorSchemaRoot rows) {
        return new ChangeBatch(rows, null);
    }

    /** Rows with their weights (non-null, one per row): the batch takes ownership of both. */
    public static ChangeBatch of(VectorSchemaRoot rows, IntVector weights) {
        return new ChangeBatch(rows, requireNonNull(weights, "weights is null"));
    }

    /** Each root of {@code rows} as a batch of inserts. */
    public static List<ChangeBatch> inserts(List<VectorSchemaRoot> rows) {
        return rows.stream().map(ChangeBatch::inserts).toList();
    }

    public VectorSchemaRoot rows() {
        return rows;
    }

    /** The weight of each row, or empty when every row is an insert. */
    public Optional<IntVector> weights() {
        return Optional.ofNullable(weights);
    }

    public int rowCount() {
        return rows.getRowCount();
    }

    /** The weight of {@code row}: +1 for an insert, -1 for a delete. */
    public int weight(int row) {
        return weights == null ? 1 : weights.get(row);
    }

    /** Whether every row is an insert. */
    public boolean isInsertOnly() {
        if (weights == null) {
            return true;
        }
        for (int i = 0; i < weights.getValueCount(); i++) {
            if (weights.get(i) != 1) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        rows.close();
        if (weights != null) {
            weights.close();
        }
    }
}
