package dev.sluice.execution.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sluice.execution.plan.JoinType;
import dev.sluice.execution.testing.ArrowTestBase;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.RowSchema;
import dev.sluice.execution.type.VectorValues;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;

/** A lookup join's probe over a table built from vectors, against the matches worked out by hand. */
class LookupJoinOperatorTest extends ArrowTestBase {
    /** The stream's key is an INTEGER, the table's a BIGINT: integral keys compare as longs. */
    private static final RowSchema STREAM = RowSchema.of(Column.of("id", ColumnType.INTEGER), Column.of("s", ColumnType.VARCHAR));
    private static final RowSchema TABLE = RowSchema.of(Column.of("id", ColumnType.BIGINT), Column.of("name", ColumnType.VARCHAR),
            Column.of("v", ColumnType.DOUBLE));
    private static final RowSchema OUT = RowSchema.of(Column.of("id", ColumnType.INTEGER), Column.of("s", ColumnType.VARCHAR),
            Column.of("tid", ColumnType.BIGINT), Column.of("name", ColumnType.VARCHAR), Column.of("v", ColumnType.DOUBLE));

    private static List<Object> row(Object... values) {
        return Arrays.asList(values);
    }

    private List<List<Object>> probe(JoinType type, List<Integer> primaryKey, List<List<Object>> table,
                                     List<List<Object>> stream) {
        LookupTable lookup;
        try (VectorSchemaRoot side = VectorValues.toBatch(TABLE, table, allocator)) {
            lookup = LookupTable.build(List.of(side), List.of(0), TABLE.size(), primaryKey);
        }
        RowSchema out = type == JoinType.SEMI || type == JoinType.ANTI ? STREAM : OUT;
        LookupJoinOperator op = new LookupJoinOperator.Factory(List.of(0), type, out).create(allocator, lookup);
        try (VectorSchemaRoot in = VectorValues.toBatch(STREAM, stream, allocator);
             VectorSchemaRoot result = op.process(in)) {
            return result == null ? List.of() : new ArrayList<>(VectorValues.rows(result));
        }
    }

    @Test
    void eachJoinTypeMatchesByIntegralKeys() {
        List<List<Object>> table = List.of(row(1L, "one", 1.5), row(2L, "two", null), row(1L, "uno", 2.5), row(null, "none", 0.0));
        List<List<Object>> stream = List.of(row(1, "a"), row(3, "b"), row(null, "c"), row(2, "d"));
        assertEquals(List.of(row(1, "a", 1L, "one", 1.5), row(1, "a", 1L, "uno", 2.5), row(2, "d", 2L, "two", null)),
                probe(JoinType.INNER, List.of(), table, stream));
        assertEquals(List.of(row(1, "a", 1L, "one", 1.5), row(1, "a", 1L, "uno", 2.5), row(3, "b", null, null, null),
                row(null, "c", null, null, null), row(2, "d", 2L, "two", null)), probe(JoinType.LEFT, List.of(), table, stream));
        assertEquals(List.of(row(1, "a"), row(2, "d")), probe(JoinType.SEMI, List.of(), table, stream));
        assertEquals(List.of(row(3, "b"), row(null, "c")), probe(JoinType.ANTI, List.of(), table, stream));
    }

    @Test
    void aTableWithAPrimaryKeyJoinsItsLatestRowPerKey() {
        List<List<Object>> table = List.of(row(1L, "one", 1.5), row(2L, "two", null), row(1L, "uno", 2.5));
        assertEquals(List.of(row(1, "a", 1L, "uno", 2.5), row(2, "d", 2L, "two", null)),
                probe(JoinType.INNER, List.of(0), table, List.of(row(1, "a"), row(2, "d"))));
    }
}
