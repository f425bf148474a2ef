package dev.sluice.execution.expr;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sluice.execution.testing.ArrowTestBase;
import dev.sluice.execution.testing.TestBatches;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.RowSchema;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/** Evaluation helpers for expression tests (the allocator's lifecycle is {@link ArrowTestBase}'s). */
abstract class ExprTestBase extends ArrowTestBase {
    /** The columns of {@link #intPairs}. */
    protected static final ColumnRef A = ref(0, "a", ColumnType.INTEGER);
    protected static final ColumnRef B = ref(1, "b", ColumnType.INTEGER);

    protected VectorSchemaRoot batch(RowSchema schema, Object[]... rows) {
        return TestBatches.of(allocator, schema, rows);
    }

    /** A batch of two INTEGER columns, {@link #A} and {@link #B}. */
    protected VectorSchemaRoot intPairs(Object[]... rows) {
        return batch(schema(Column.of("a", ColumnType.INTEGER), Column.of("b", ColumnType.INTEGER)), rows);
    }

    /** Evaluates {@code expr} over {@code batch} and returns its values, checking the vector's type and size. */
    protected List<Object> evaluate(PhysicalExpr expr, VectorSchemaRoot batch) {
        try (FieldVector result = expr.evaluate(batch, allocator)) {
            assertEquals(expr.type().arrowType(), result.getField().getType(), "vector type of " + expr);
            assertEquals(batch.getRowCount(), result.getValueCount(), "row count of " + expr);
            return TestBatches.values(result);
        }
    }

    /** Evaluates over a batch (closed afterwards) and compares with {@code expected}. */
    protected void assertValues(PhysicalExpr expr, VectorSchemaRoot batch, Object... expected) {
        try (batch) {
            assertEquals(Arrays.asList(expected), evaluate(expr, batch), expr.toString());
        }
    }

    /** Evaluates an expression over literals only (a one-row batch without columns). */
    protected Object evaluateConstant(PhysicalExpr expr) {
        try (VectorSchemaRoot oneRow = new VectorSchemaRoot(List.of(), List.of(), 1)) {
            return evaluate(expr, oneRow).get(0);
        }
    }

    protected static ColumnRef ref(int index, String name, ColumnType type) {
        return new ColumnRef(index, name, type);
    }

    protected static RowSchema schema(Column... columns) {
        return RowSchema.of(columns);
    }

    protected static Object[] row(Object... values) {
        return values;
    }
}
