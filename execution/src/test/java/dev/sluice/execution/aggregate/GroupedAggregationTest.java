package dev.sluice.execution.aggregate;

import static dev.sluice.execution.type.ColumnType.BIGINT;
import static dev.sluice.execution.type.ColumnType.DOUBLE;
import static dev.sluice.execution.type.ColumnType.INTEGER;
import static dev.sluice.execution.type.ColumnType.VARCHAR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sluice.execution.testing.ArrowTestBase;
import dev.sluice.execution.testing.TestBatches;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.RowSchema;
import dev.sluice.execution.type.VectorValues;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;

class GroupedAggregationTest extends ArrowTestBase {
    private static final RowSchema INPUT = RowSchema.of(Column.of("k", VARCHAR), Column.of("n", BIGINT),
            Column.of("v", INTEGER), Column.of("d", DOUBLE));
    private static final List<AggregateCall> CALLS = List.of(AggregateCall.countStar("c"),
            AggregateCall.of(AggregateFunctions.COUNT_DISTINCT, 2, INTEGER, "dv"),
            AggregateCall.of(AggregateFunctions.COUNT_DISTINCT, 0, VARCHAR, "dk"),
            AggregateCall.of(AggregateFunctions.AVG, 3, DOUBLE, "avg_d"),
            AggregateCall.of(AggregateFunctions.MAX, 0, VARCHAR, "max_k"),
            AggregateCall.of(AggregateFunctions.SUM, 2, INTEGER, "sum_v"));
    private static final int[] KEYS = {1};

    private static GroupedAggregation aggregation() {
        return new GroupedAggregation(List.of(BIGINT), CALLS);
    }

    private RowSchema resultSchema() {
        List<Column> columns = new ArrayList<>(List.of(Column.of("n", BIGINT)));
        CALLS.forEach(c -> columns.add(c.outputColumn()));
        return new RowSchema(columns);
    }

    private List<List<Object>> results(GroupedAggregation aggregation) {
        try (VectorSchemaRoot out = VectorSchemaRoot.create(resultSchema().toArrowSchema(), allocator)) {
            out.allocateNew();
            aggregation.writeResults(out);
            return VectorValues.rows(out);
        }
    }

    /** Many groups (hash table and arrays grow many times), long and empty strings, NULLs. */
    private VectorSchemaRoot input(int rows, int groups) {
        List<List<Object>> values = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            String k = i % 7 == 0 ? null : i % 11 == 0 ? "" : "key-" + "x".repeat(i % 23) + (i % 5);
            values.add(Arrays.asList(k, (long) (i % groups), i % 3 == 0 ? null : i % 4, (double) (i % 9) / 2));
        }
        return TestBatches.of(allocator, INPUT, values);
    }

    @Test
    void storedStatesRestoreTheSameResults() {
        GroupedAggregation original = aggregation();
        try (VectorSchemaRoot in = input(20_000, 5_000)) {
            original.addInput(in, KEYS);
        }
        assertEquals(5_000, original.groupCount());
        GroupedAggregation restored = aggregation();
        for (int g = original.groupCount() - 1; g >= 0; g--) {
            restored.addState(original.key(g), original.state(g));
        }
        List<List<Object>> expected = results(original);
        List<List<Object>> actual = results(restored);
        java.util.Collections.reverse(actual);
        assertEquals(expected, actual);
        // Merging the same state twice doubles counts but not distinct counts.
        GroupedAggregation twice = aggregation();
        twice.addState(original.key(0), original.state(0));
        twice.addState(original.key(0), original.state(0));
        List<Object> once = expected.get(0);
        List<Object> doubled = results(twice).get(0);
        assertEquals((Long) once.get(1) * 2, doubled.get(1));
        assertEquals(once.get(2), doubled.get(2));
        assertEquals(once.get(3), doubled.get(3));
        assertEquals(once.get(4), doubled.get(4));
    }

    @Test
    void partialBatchesCarryDistinctSets() {
        GroupedAggregation single = aggregation();
        GroupedAggregation merged = aggregation();
        Schema partialSchema = partialSchema(merged);
        for (int part = 0; part < 3; part++) {
            GroupedAggregation partial = aggregation();
            try (VectorSchemaRoot in = input(3_000 + part, 700)) {
                partial.addInput(in, KEYS);
                single.addInput(in, KEYS);
            }
            try (VectorSchemaRoot states = VectorSchemaRoot.create(partialSchema, allocator)) {
                states.allocateNew();
                partial.writePartial(states);
                merged.addPartial(states);
            }
        }
        assertEquals(results(single), results(merged));
    }

    private static Schema partialSchema(GroupedAggregation aggregation) {
        List<Field> fields = new ArrayList<>(List.of(Column.of("n", BIGINT).toArrowField()));
        fields.addAll(aggregation.partialStateFields());
        return new Schema(fields);
    }

    @Test
    void everyKeyTypeRoundTripsThroughItsEncoding() {
        RowSchema schema = RowSchema.of(Column.of("b", ColumnType.BOOLEAN), Column.of("i", INTEGER),
                Column.of("l", BIGINT), Column.of("d", DOUBLE), Column.of("s", VARCHAR), Column.of("t", ColumnType.TIMESTAMP));
        List<List<Object>> rows = List.of(
                Arrays.asList(true, Integer.MIN_VALUE, Long.MAX_VALUE, -1.5, "é€😀", TestBatches.ts("1969-12-31 23:59:59.999")),
                Arrays.asList(null, null, null, null, null, null),
                Arrays.asList(false, 0, -1L, Double.MAX_VALUE, "", TestBatches.ts("2024-02-29 12:00:00")));
        GroupedAggregation aggregation = new GroupedAggregation(schema.columns().stream().map(Column::type).toList(),
                List.of(AggregateCall.countStar("c")));
        try (VectorSchemaRoot in = TestBatches.of(allocator, schema, rows)) {
            aggregation.addInput(in, new int[] {0, 1, 2, 3, 4, 5});
            aggregation.addInput(in, new int[] {0, 1, 2, 3, 4, 5});
        }
        List<Column> out = new ArrayList<>(schema.columns());
        out.add(Column.of("c", BIGINT));
        try (VectorSchemaRoot result = VectorSchemaRoot.create(new RowSchema(out).toArrowSchema(), allocator)) {
            result.allocateNew();
            aggregation.writeResults(result);
            List<List<Object>> expected = new ArrayList<>();
            for (List<Object> row : rows) {
                List<Object> withCount = new ArrayList<>(row);
                withCount.add(2L);
                expected.add(withCount);
            }
            assertEquals(expected, VectorValues.rows(result));
        }
    }

    /**
     * Keys are encoded in chunks of rows, with a shortcut for a row whose key is the previous row's: runs of equal
     * keys across chunk boundaries, NULL and non-NULL columns, strings of every length around the 8-byte steps
     * of the key comparison, every key type. Checked against counts and sums per key computed in plain Java.
     */
    @Test
    void groupsMatchAPlainJavaReferenceAcrossChunksAndRuns() {
        RowSchema schema = RowSchema.of(Column.of("b", ColumnType.BOOLEAN), Column.of("i", INTEGER),
                Column.of("l", BIGINT), Column.of("d", DOUBLE), Column.of("s", VARCHAR),
                Column.of("t", ColumnType.TIMESTAMP), Column.of("v", DOUBLE));
        java.util.Random random = new java.util.Random(7);
        List<List<Object>> rows = new ArrayList<>();
        List<Object> key = null;
        for (int r = 0; r < 7_000; r++) {
            if (key == null || random.nextInt(4) == 0) {  // runs of the same key, some across chunk boundaries
                int k = random.nextInt(40);
                key = Arrays.asList(k % 3 == 0 ? null : k % 2 == 0, k % 5 == 0 ? null : k % 4, (long) (k % 6),
                        k % 7 == 0 ? null : k % 3 == 1 ? -0.0 : (double) (k % 3), k % 9 == 0 ? null : "s".repeat(k % 19),
                        TestBatches.ts("2024-01-01 00:00:0" + (k % 10)));
            }
            List<Object> row = new ArrayList<>(key);
            row.add(r % 13 == 0 ? null : (double) (r % 100));
            rows.add(row);
        }
        java.util.Map<List<Object>, long[]> expected = new java.util.LinkedHashMap<>();
        for (List<Object> row : rows) {
            List<Object> k = new ArrayList<>(row.subList(0, 6));
            if (Double.valueOf(-0.0).equals(k.get(3))) {
                k.set(3, 0.0);  // -0.0 groups with 0.0
            }
            long[] countAndSum = expected.computeIfAbsent(k, x -> new long[2]);
            countAndSum[0]++;
            countAndSum[1] += row.get(6) == null ? 0 : ((Double) row.get(6)).longValue();
        }
        List<AggregateCall> calls = List.of(AggregateCall.countStar("c"),
                AggregateCall.of(AggregateFunctions.SUM, 6, DOUBLE, "total"));
        GroupedAggregation aggregation = new GroupedAggregation(
                schema.columns().subList(0, 6).stream().map(Column::type).toList(), calls);
        try (VectorSchemaRoot in = TestBatches.of(allocator, schema, rows)) {
            aggregation.addInput(in, new int[] {0, 1, 2, 3, 4, 5});
        }
        List<Column> out = new ArrayList<>(schema.columns().subList(0, 6));
        out.add(Column.of("c", BIGINT));
        out.add(Column.of("total", DOUBLE));
        try (VectorSchemaRoot result = VectorSchemaRoot.create(new RowSchema(out).toArrowSchema(), allocator)) {
            result.allocateNew();
            aggregation.writeResults(result);
            java.util.Map<List<Object>, long[]> actual = new java.util.LinkedHashMap<>();
            for (List<Object> row : VectorValues.rows(result)) {
                long[] previous = actual.put(new ArrayList<>(row.subList(0, 6)),
                        new long[] {(Long) row.get(6), ((Double) row.get(7)).longValue()});
                assertEquals(null, previous, "group repeated: " + row);
            }
            assertEquals(expected.keySet(), actual.keySet());
            expected.forEach((k, v) -> assertEquals(Arrays.toString(v), Arrays.toString(actual.get(k)), "group " + k));
            assertEquals(new ArrayList<>(expected.keySet()), new ArrayList<>(actual.keySet()), "groups in first-seen order");
        }
    }

    @Test
    void corruptStateIsReported() {
        GroupedAggregation aggregation = aggregation();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> aggregation.addState(new byte[] {1, 0, 0, 0, 0, 0, 0, 0, 1}, new byte[] {0, 0, 0}));
        assertEquals("truncated state value: need 8 bytes at 0, only 3 left", e.getMessage());
    }
}
