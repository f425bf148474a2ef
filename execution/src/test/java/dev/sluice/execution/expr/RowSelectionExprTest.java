package dev.sluice.execution.expr;

import static dev.sluice.execution.testing.TestBatches.ts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.execution.testing.TestBatches;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.RowSchema;
import dev.sluice.execution.type.VectorValues;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;

/** RowSelection (compaction) and InputColumns. */
class RowSelectionExprTest extends ExprTestBase {
    private static final RowSchema ALL_TYPES = RowSchema.of(Column.of("b", ColumnType.BOOLEAN), Column.of("i", ColumnType.INTEGER),
            Column.of("l", ColumnType.BIGINT), Column.of("d", ColumnType.DOUBLE), Column.of("s", ColumnType.VARCHAR),
            Column.of("t", ColumnType.TIMESTAMP));

    private static List<Object> sample(int i) {
        return i % 5 == 0 ? Arrays.asList(null, null, null, null, null, null)
                : Arrays.asList(i % 2 == 0, i, (long) i * 1_000_000_007L, i / 4.0, "v" + i + "é".repeat(i % 3),
                        ts("2024-01-01 00:00:00").plusSeconds(i));
    }

    @Test
    void compactsEveryTypeWithNulls() {
        List<List<Object>> rows = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            rows.add(sample(i));
        }
        int[] positions = {0, 1, 2, 63, 64, 65, 100, 127, 128, 149};
        try (VectorSchemaRoot input = TestBatches.of(allocator, ALL_TYPES, rows);
             VectorSchemaRoot compacted = RowSelection.of(positions, positions.length).compact(input, allColumns(), allocator)) {
            assertEquals(positions.length, compacted.getRowCount());
            List<List<Object>> expected = new ArrayList<>();
            for (int p : positions) {
                expected.add(sample(p));
            }
            assertEquals(expected, VectorValues.rows(compacted));
        }
    }

    @Test
    void compactsColumnsWithoutNullsAndLeavesOthersEmpty() {
        try (VectorSchemaRoot input = batch(RowSchema.of(Column.of("a", ColumnType.INTEGER), Column.of("s", ColumnType.VARCHAR)),
                row(1, "x"), row(2, "y"), row(3, "z"));
             VectorSchemaRoot compacted = RowSelection.of(new int[] {0, 2}, 2).compact(input, bitSet(1), allocator)) {
            assertEquals(Arrays.asList("x", "z"), TestBatches.values(compacted.getVector(1)));
            assertEquals(0, compacted.getVector(0).getValueCount());
            assertEquals(0, compacted.getVector(1).getNullCount());
        }
    }

    @Test
    void selectsTrueRowsOnly() {
        Boolean[] values = new Boolean[200];
        for (int i = 0; i < values.length; i++) {
            values[i] = i % 3 == 0 ? null : i % 3 == 1;
        }
        try (VectorSchemaRoot input = TestBatches.column(allocator, Column.of("c", ColumnType.BOOLEAN), (Object[]) values)) {
            FieldVector condition = input.getVector(0);
            RowSelection selection = RowSelection.whereTrue(condition, values.length, new int[10]);
            List<Integer> selected = new ArrayList<>();
            for (int k = 0; k < selection.count(); k++) {
                selected.add(selection.position(k));
            }
            List<Integer> expected = new ArrayList<>();
            for (int i = 0; i < values.length; i++) {
                if (Boolean.TRUE.equals(values[i])) {
                    expected.add(i);
                }
            }
            assertEquals(expected, selected);
        }
    }

    @Test
    void findsTheColumnsExpressionsRead() {
        PhysicalExpr expr = new Arithmetic(Arithmetic.Operator.ADD, ref(3, "x", ColumnType.INTEGER),
                new Case(List.of(new Case.When(IsNull.isNull(ref(1, "y", ColumnType.VARCHAR)), Literal.of(1))), Literal.of(2)));
        assertEquals(bitSet(1, 3), InputColumns.referencedBy(List.of(expr, Literal.of(5)), 6));
        PhysicalExpr unknown = new PhysicalExpr() {
            @Override
            public ColumnType type() {
                return ColumnType.INTEGER;
            }

            @Override
            public FieldVector evaluate(VectorSchemaRoot batch, org.apache.arrow.memory.BufferAllocator allocator) {
                throw new UnsupportedOperationException();
            }
        };
        assertTrue(InputColumns.referencedBy(List.of(unknown), 4).cardinality() == 4, "unknown expressions read everything");
    }

    private static BitSet allColumns() {
        BitSet all = new BitSet();
        all.set(0, ALL_TYPES.size());
        return all;
    }

    private static BitSet bitSet(int... indexes) {
        BitSet set = new BitSet();
        for (int i : indexes) {
            set.set(i);
        }
        return set;
    }
}
