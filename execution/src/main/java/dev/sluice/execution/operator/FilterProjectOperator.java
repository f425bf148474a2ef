package dev.sluice.execution.operator;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.expr.InputColumns;
import dev.sluice.execution.expr.PhysicalExpr;
import dev.sluice.execution.expr.RowSelection;
import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.RowSchema;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.util.TransferPair;

/**
 * Keeps the rows where the filter is TRUE (NULL and FALSE drop the row; all rows without a filter), then
 * computes the projections over the kept rows: SQL's {@code SELECT projections FROM input WHERE filter}
 * over one batch. Stateless; rows keep their input order; the output has at most as many rows as the input
 * and never zero ({@link #process} returns null instead).
 *
 * <p>How: the filter is evaluated over the whole batch into a bitmap; if every row passes, the projections
 * run over the input as is (projected columns are shared, not copied); otherwise only the input columns
 * the projections read are compacted to the kept rows, and the projections run over that.
 *
 * <p>Ownership: {@code process} never modifies or closes its input; it returns a new batch the caller
 * closes. Output vectors may share (reference-counted) buffers with the input, so neither must be
 * written to afterwards.
 */
public final class FilterProjectOperator implements BatchOperator {
    /**
     * The validated, immutable description of a filter-project step, shared by every task of a query; each
     * task {@link #create}s its own operator.
     */
    public static final class Factory {
        private final Optional<PhysicalExpr> filter;
        private final List<PhysicalExpr> projections;
        private final RowSchema outputSchema;

        /**
         * @throws IllegalArgumentException if the filter isn't BOOLEAN, or the projections don't match the
         *     output schema's column count and types
         */
        public Factory(Optional<PhysicalExpr> filter, List<PhysicalExpr> projections, RowSchema outputSchema) {
            this.filter = requireNonNull(filter, "filter is null");
            this.projections = List.copyOf(projections);
            this.outputSchema = requireNonNull(outputSchema, "outputSchema is null");
            filter.ifPresent(f -> {
                if (f.type() != ColumnType.BOOLEAN) {
                    throw new IllegalArgumentException("The filter " + f + " is " + f.type() + ", not BOOLEAN");
                }
            });
            if (this.projections.size() != outputSchema.size()) {
                throw new IllegalArgumentException(this.projections.size() + " projections for " + outputSchema.size()
                        + " output columns " + outputSchema.names());
            }
            for (int i = 0; i < this.projections.size(); i++) {
                PhysicalExpr p = this.projections.get(i);
                ColumnType expected = outputSchema.column(i).type();
                if (p.type() != expected) {
                    throw new IllegalArgumentException("Projection " + p + " is " + p.type() + " but output column '"
                            + outputSchema.column(i).name() + "' is " + expected);
                }
            }
        }

        public Optional<PhysicalExpr> filter() {
            return filter;
        }

        public List<PhysicalExpr> projections() {
            return projections;
        }

        public RowSchema outputSchema() {
            return outputSchema;
        }

        /** A new operator for one task, allocating its output from {@code allocator}. */
        public BatchOperator create(BufferAllocator allocator) {
            return new FilterProjectOperator(this, allocator);
        }
    }

    private final Factory factory;
    private final BufferAllocator allocator;
    private final List<Field> outputFields;
    /** Reused between batches: the positions of kept rows. */
    private int[] positions = new int[0];
    /** The input columns the projections read, computed on the first batch (it depends on the input width). */
    private BitSet projectedColumns;

    private FilterProjectOperator(Factory factory, BufferAllocator allocator) {
        this.factory = factory;
        this.allocator = requireNonNull(allocator, "allocator is null");
        this.outputFields = factory.outputSchema.toArrowSchema().getFields();
    }

    @Override
    public RowSchema outputSchema() {
        return factory.outputSchema;
    }

    @Override
    public VectorSchemaRoot process(VectorSchemaRoot input) {
        int rows = input.getRowCount();
        if (rows == 0) {
            return null;
        }
        if (factory.filter.isEmpty()) {
            return project(input, rows);
        }
        RowSelection kept;
        try (FieldVector condition = factory.filter.get().evaluate(input, allocator)) {
            if (positions.length < rows) {
                positions = new int[rows];
            }
            kept = RowSelection.whereTrue(condition, rows, positions);
        }
        if (kept.count() == 0) {
            return null;
        }
        if (kept.count() == rows) {
            return project(input, rows);
        }
        if (projectedColumns == null) {
            projectedColumns = InputColumns.referencedBy(factory.projections, input.getFieldVectors().size());
        }
        try (VectorSchemaRoot compacted = kept.compact(input, projectedColumns, allocator)) {
            return project(compacted, kept.count());
        }
    }

    private VectorSchemaRoot project(VectorSchemaRoot source, int rows) {
        List<FieldVector> vectors = new ArrayList<>(outputFields.size());
        try {
            for (int i = 0; i < outputFields.size(); i++) {
                try (FieldVector value = factory.projections.get(i).evaluate(source, allocator)) {
                    // Rename to the output column: moves the buffers, copies nothing.
                    TransferPair rename = value.getTransferPair(outputFields.get(i), allocator);
                    rename.transfer();
                    vectors.add((FieldVector) rename.getTo());
                }
            }
        } catch (RuntimeException | Error e) {
            vectors.forEach(FieldVector::close);
            throw e;
        }
        return new VectorSchemaRoot(outputFields, vectors, rows);
    }

    @Override
    public String toString() {
        return "FilterProject(filter=" + factory.filter.map(String::valueOf).orElse("none") + ", project="
                + factory.projections + ")";
    }
}
