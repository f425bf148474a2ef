package dev.sluice.execution.operator;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.changelog.ChangeBatch;
import dev.sluice.execution.changelog.ChangelogMode;
import dev.sluice.execution.expr.ColumnRef;
import dev.sluice.execution.expr.PhysicalExpr;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.RowSchema;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * A filter and projection over changes (above a stateful operator): each row is kept or dropped and projected
 * as {@link FilterProjectOperator} does, and keeps its weight, so a deleted row stays a delete. Stateless.
 *
 * <p>How: the weights ride along as one more column that the projection passes through, so the filter and
 * projections run once, vectorised, over rows and weights together.
 */
public final class ChangelogFilterProjectOperator implements StreamOperator {
    private static final String WEIGHT = "$weight";

    /** A filter-project step over the changes of an input of {@code inputWidth} columns. */
    public static final class Factory implements StreamOperator.Factory {
        private final FilterProjectOperator.Factory rows;
        private final FilterProjectOperator.Factory weighted;
        private final ChangelogMode mode;
        private final String description;

        /** @param description what EXPLAIN shows (the plan node's description) */
        public Factory(FilterProjectOperator.Factory rows, int inputWidth, ChangelogMode inputMode, String description) {
            this.description = requireNonNull(description, "description is null");
            this.rows = requireNonNull(rows, "rows is null");
            List<PhysicalExpr> projections = new ArrayList<>(rows.projections());
            projections.add(new ColumnRef(inputWidth, WEIGHT, ColumnType.INTEGER));
            List<Column> columns = new ArrayList<>(rows.outputSchema().columns());
            columns.add(new Column(WEIGHT, ColumnType.INTEGER, false));
            this.weighted = new FilterProjectOperator.Factory(rows.filter(), projections, new RowSchema(columns));
            this.mode = outputMode(rows.projections(), requireNonNull(inputMode, "inputMode is null"));
        }

        /** An upsert key survives if each of its columns is passed on as is; else the changes are retractions. */
        private static ChangelogMode outputMode(List<PhysicalExpr> projections, ChangelogMode input) {
            if (input.kind() != ChangelogMode.Kind.UPSERT) {
                return input;
            }
            List<Integer> key = new ArrayList<>();
            for (int column : input.key()) {
                int at = -1;
                for (int i = 0; i < projections.size() && at < 0; i++) {
                    if (projections.get(i) instanceof ColumnRef ref && ref.index() == column) {
                        at = i;
                    }
                }
                if (at < 0) {
                    return new ChangelogMode(ChangelogMode.Kind.UPSERT, List.of());
                }
                key.add(at);
            }
            return ChangelogMode.upsert(key);
        }

        @Override
        public RowSchema outputSchema() {
            return rows.outputSchema();
        }

        @Override
        public ChangelogMode changelogMode() {
            return mode;
        }

        @Override
        public ChangelogFilterProjectOperator create(OperatorContext context) {
            return new ChangelogFilterProjectOperator(rows.create(context.allocator()),
                    weighted.create(context.allocator()));
        }

        @Override
        public String describe() {
            return description;
        }
    }

    private final BatchOperator rows;
    private final BatchOperator weighted;

    private ChangelogFilterProjectOperator(BatchOperator rows, BatchOperator weighted) {
        this.rows = rows;
        this.weighted = weighted;
    }

    @Override
    public List<ChangeBatch> add(int input, ChangeBatch batch) {
        try (batch) {
            if (batch.weights().isEmpty()) {
                VectorSchemaRoot out = rows.process(batch.rows());
                return out == null ? List.of() : List.of(ChangeBatch.inserts(out));
            }
            List<Field> fields = new ArrayList<>(batch.rows().getSchema().getFields());
            List<FieldVector> vectors = new ArrayList<>(batch.rows().getFieldVectors());
            IntVector weights = batch.weights().get();
            fields.add(weights.getField());
            vectors.add(weights);
            // A view over the batch's own vectors: closing the batch frees them.
            VectorSchemaRoot withWeights = new VectorSchemaRoot(fields, vectors, batch.rowCount());
            VectorSchemaRoot out = weighted.process(withWeights);
            if (out == null) {
                return List.of();
            }
            int width = out.getFieldVectors().size() - 1;
            VectorSchemaRoot projected = new VectorSchemaRoot(out.getSchema().getFields().subList(0, width),
                    out.getFieldVectors().subList(0, width), out.getRowCount());
            return List.of(ChangeBatch.of(projected, (IntVector) out.getVector(width)));
        }
    }

    @Override
    public List<ChangeBatch> finish() {
        return List.of();
    }

    @Override
    public void close() {
        rows.close();
        weighted.close();
    }
}
