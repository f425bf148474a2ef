package dev.sluice.execution.aggregate;

import static dev.sluice.execution.type.ColumnType.BIGINT;
import static dev.sluice.execution.type.ColumnType.DOUBLE;
import static dev.sluice.execution.type.ColumnType.INTEGER;
import static dev.sluice.execution.type.ColumnType.TIMESTAMP;
import static dev.sluice.execution.type.ColumnType.VARCHAR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.execution.testing.ArrowTestBase;
import dev.sluice.execution.testing.TestBatches;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.RowSchema;
import dev.sluice.execution.type.VectorValues;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;

/**
 * Each registered aggregate function, over every argument type it takes: rows added with weights (+1) and
 * taken back (-1), merged from partial states, restored from stored states, with NULL arguments and a group
 * whose rows are all deleted, checked against the same aggregate computed in plain Java over the rows that
 * are left. The append-only accumulators give the same results over inserts only and refuse a deleted row.
 */
class AggregateFunctionsTest extends ArrowTestBase {
    /** Column 0 the group, then one column per argument type. */
    private static final RowSchema INPUT = RowSchema.of(Column.of("g", BIGINT), Column.of("i", INTEGER),
            Column.of("b", BIGINT), Column.of("d", DOUBLE), Column.of("s", VARCHAR), Column.of("t", TIMESTAMP));
    private static final List<ColumnType> TYPES = List.of(INTEGER, BIGINT, DOUBLE, VARCHAR, TIMESTAMP);
    private static final int[] KEYS = {0};
    /** Group 4's rows are all deleted. */
    private static final long EMPTIED = 4;

    private final List<List<Object>> rows = new ArrayList<>();
    private final List<List<Object>> deleted = new ArrayList<>();

    /** 300 rows in groups 0-4 over few distinct values (duplicates), about 1 in 6 arguments NULL; group 3 all NULL. */
    private void generate(long seed) {
        Random random = new Random(seed);
        for (int r = 0; r < 300; r++) {
            long g = random.nextInt(5);
            boolean nulls = g == 3 || random.nextInt(6) == 0;
            int v = random.nextInt(12) - 4;
            rows.add(Arrays.asList(g, nulls ? null : v, nulls ? null : (long) v * 1_000_000_007L,
                    nulls ? null : v / 2.0, nulls ? null : "v" + (char) ('a' + v + 4),
                    nulls ? null : LocalDateTime.of(2024, 1, 1, 0, 0).plusSeconds(v)));
        }
        for (List<Object> row : rows) {
            if ((Long) row.get(0) == EMPTIED || random.nextInt(3) == 0) {
                deleted.add(row);
            }
        }
    }

    private List<List<Object>> remaining() {
        List<List<Object>> left = new ArrayList<>(rows);
        deleted.forEach(left::remove);
        return left;
    }

    private VectorSchemaRoot batch(List<List<Object>> values) {
        return TestBatches.of(allocator, INPUT, values);
    }

    private IntVector weights(int count, int weight) {
        IntVector weights = new IntVector("$weight", allocator);
        weights.allocateNew(count);
        for (int r = 0; r < count; r++) {
            weights.set(r, weight);
        }
        weights.setValueCount(count);
        return weights;
    }

    private void add(GroupedAggregation aggregation, List<List<Object>> values, int weight) {
        try (VectorSchemaRoot in = batch(values); IntVector w = weights(values.size(), weight)) {
            aggregation.addInput(in, KEYS, w);
        }
    }

    /** The result of each group, by group. */
    private Map<Long, Object> results(GroupedAggregation aggregation, AggregateCall call) {
        Schema schema = new RowSchema(List.of(Column.of("g", BIGINT), call.outputColumn())).toArrowSchema();
        try (VectorSchemaRoot out = VectorSchemaRoot.create(schema, allocator)) {
            out.allocateNew();
            aggregation.writeResults(out);
            Map<Long, Object> results = new TreeMap<>();
            VectorValues.rows(out).forEach(r -> results.put((Long) r.get(0), r.get(1)));
            return results;
        }
    }

    /** The key of each group, in group order. */
    private List<Long> groupKeys(GroupedAggregation aggregation) {
        Schema schema = new RowSchema(List.of(Column.of("g", BIGINT))).toArrowSchema();
        GroupedAggregation keysOnly = new GroupedAggregation(List.of(BIGINT), List.of());
        for (int g = 0; g < aggregation.groupCount(); g++) {
            keysOnly.addKey(aggregation.key(g));
        }
        try (VectorSchemaRoot out = VectorSchemaRoot.create(schema, allocator)) {
            out.allocateNew();
            keysOnly.writeResults(out);
            return VectorValues.rows(out).stream().map(r -> (Long) r.get(0)).toList();
        }
    }

    /** {@code aggregation}'s groups written as partial states, merged into {@code into}. */
    private void mergePartial(GroupedAggregation aggregation, GroupedAggregation into) {
        List<org.apache.arrow.vector.types.pojo.Field> fields = new ArrayList<>();
        fields.add(Column.of("g", BIGINT).toArrowField());
        fields.addAll(aggregation.partialStateFields());
        try (VectorSchemaRoot partial = VectorSchemaRoot.create(new Schema(fields), allocator)) {
            partial.allocateNew();
            aggregation.writePartial(partial);
            into.addPartial(partial);
        }
    }

    /** The aggregate of each group in plain Java, over {@code values}; every group 0-4 is there. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Map<Long, Object> reference(AggregateCall call, List<List<Object>> values) {
        Map<Long, List<Object>> arguments = new TreeMap<>();
        for (long g = 0; g < 5; g++) {
            arguments.put(g, new ArrayList<>());
        }
        for (List<Object> row : values) {
            Object argument = call.argument() < 0 ? "row" : row.get(call.argument());
            if (argument != null) {
                arguments.get((Long) row.get(0)).add(argument);
            }
        }
        Map<Long, Object> expected = new TreeMap<>();
        arguments.forEach((g, args) -> expected.put(g, switch (call.function().displayName()) {
            case "COUNT(*)", "COUNT" -> (long) args.size();
            case "COUNT(DISTINCT)" -> (long) new HashSet<>(args).size();
            case "SUM" -> args.isEmpty() ? null : call.argumentType() == DOUBLE
                    ? (Object) args.stream().mapToDouble(a -> (Double) a).sum()
                    : (Object) args.stream().mapToLong(a -> ((Number) a).longValue()).sum();
            case "AVG" -> args.isEmpty() ? null : args.stream().mapToDouble(a -> ((Number) a).doubleValue()).sum()
                    / args.size();
            case "MIN" -> args.stream().map(a -> (Comparable) a).min(Comparator.naturalOrder()).orElse(null);
            case "MAX" -> args.stream().map(a -> (Comparable) a).max(Comparator.naturalOrder()).orElse(null);
            default -> throw new AssertionError(call);
        }));
        return expected;
    }

    /** Every check of one call. */
    private void check(AggregateCall call) {
        rows.clear();
        deleted.clear();
        generate(call.toString().hashCode());
        Map<Long, Object> expected = reference(call, remaining());
        List<AggregateCall> calls = List.of(call);

        // Accumulate and retract: inserts, then deletes, in one retracting aggregation.
        GroupedAggregation direct = new GroupedAggregation(List.of(BIGINT), calls, true);
        add(direct, rows, 1);
        add(direct, deleted, -1);
        assertEquals(expected, results(direct, call), call + ": inserted then deleted");
        List<Long> keys = groupKeys(direct);
        for (int g = 0; g < direct.groupCount(); g++) {
            Long key = keys.get(g);
            assertEquals(remaining().stream().filter(r -> r.get(0).equals(key)).count(), direct.rowCount(g),
                    "rows left in group " + key);
        }
        assertEquals(0, direct.rowCount(keys.indexOf(EMPTIED)), "the group whose rows were all deleted");
        assertEquals(call.function().takesArgument() && !call.function().displayName().startsWith("COUNT") ? null
                : (Object) 0L, results(direct, call).get(EMPTIED), call + ": a group with every row deleted");

        // Merge: the inserts and the deletes aggregated apart (as two tasks), merged as partial states.
        GroupedAggregation inserts = new GroupedAggregation(List.of(BIGINT), calls, true);
        add(inserts, rows, 1);
        GroupedAggregation deletes = new GroupedAggregation(List.of(BIGINT), calls, true);
        add(deletes, deleted, -1);
        GroupedAggregation merged = new GroupedAggregation(List.of(BIGINT), calls, true);
        mergePartial(deletes, merged);  // a partial of deletes alone has negative counts; order does not matter
        mergePartial(inserts, merged);
        assertEquals(expected, results(merged, call), call + ": merged partials");

        // State round trip: the inserts stored, restored, and the deletes merged into it (as the FINAL step does).
        GroupedAggregation restored = new GroupedAggregation(List.of(BIGINT), calls, true);
        for (int g = 0; g < inserts.groupCount(); g++) {
            restored.addState(inserts.key(g), inserts.state(g));
        }
        assertEquals(reference(call, rows), results(restored, call), call + ": restored state");
        mergePartial(deletes, restored);
        assertEquals(expected, results(restored, call), call + ": restored state, then deletes");
        GroupedAggregation again = new GroupedAggregation(List.of(BIGINT), calls, true);
        for (int g = 0; g < restored.groupCount(); g++) {
            again.addState(restored.key(g), restored.state(g));
        }
        assertEquals(expected, results(again, call), call + ": state of the remaining values");

        // Append-only: the same results over the rows left, inserted only (no weights, or +1 weights).
        GroupedAggregation appendOnly = new GroupedAggregation(List.of(BIGINT), calls);
        try (VectorSchemaRoot in = batch(remaining())) {
            appendOnly.addInput(in, KEYS);
        }
        Map<Long, Object> nonEmpty = new TreeMap<>(expected);
        nonEmpty.remove(EMPTIED);
        assertEquals(nonEmpty, results(appendOnly, call), call + ": append-only");
        GroupedAggregation refuses = new GroupedAggregation(List.of(BIGINT), calls);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> add(refuses, deleted, -1));
        assertTrue(e.getMessage().contains("deleted row"), e.getMessage());
    }

    private void checkEveryType(AggregateFunction function) {
        int checked = 0;
        for (ColumnType type : TYPES) {
            if (function.acceptsArgument(type)) {
                check(AggregateCall.of(function, 1 + TYPES.indexOf(type), type, "r"));
                checked++;
            }
        }
        assertTrue(checked > 0);
    }

    @Test
    void countStar() {
        check(AggregateCall.countStar("r"));
    }

    @Test
    void count() {
        checkEveryType(AggregateFunctions.COUNT);
    }

    @Test
    void countDistinct() {
        checkEveryType(AggregateFunctions.COUNT_DISTINCT);
    }

    @Test
    void sum() {
        checkEveryType(AggregateFunctions.SUM);
    }

    @Test
    void avg() {
        checkEveryType(AggregateFunctions.AVG);
    }

    @Test
    void min() {
        checkEveryType(AggregateFunctions.MIN);
    }

    @Test
    void max() {
        checkEveryType(AggregateFunctions.MAX);
    }

    @Test
    void retractingTheMinimumBringsBackTheNextOne() {
        AggregateCall min = AggregateCall.of(AggregateFunctions.MIN, 1, INTEGER, "lo");
        GroupedAggregation aggregation = new GroupedAggregation(List.of(BIGINT), List.of(min), true);
        List<List<Object>> values = List.of(Arrays.asList(0L, 5, null, null, null, null),
                Arrays.asList(0L, 3, null, null, null, null), Arrays.asList(0L, 3, null, null, null, null),
                Arrays.asList(0L, 9, null, null, null, null));
        add(aggregation, values, 1);
        assertEquals(Map.of(0L, 3), results(aggregation, min));
        add(aggregation, values.subList(1, 2), -1);
        assertEquals(Map.of(0L, 3), results(aggregation, min), "3 is in the group twice");
        add(aggregation, values.subList(2, 3), -1);
        assertEquals(Map.of(0L, 5), results(aggregation, min));
        add(aggregation, List.of(values.get(0), values.get(3)), -1);
        Map<Long, Object> none = results(aggregation, min);
        assertNull(none.get(0L));
        assertEquals(0, aggregation.rowCount(0));
    }

    @Test
    void theRegistryFindsEachFunctionBySqlName() {
        assertSame(AggregateFunctions.COUNT_STAR, AggregateFunctions.lookup("COUNT", false, false));
        assertSame(AggregateFunctions.COUNT, AggregateFunctions.lookup("count", true, false));
        assertSame(AggregateFunctions.COUNT_DISTINCT, AggregateFunctions.lookup("COUNT", true, true));
        assertSame(AggregateFunctions.SUM, AggregateFunctions.lookup("$SUM0", true, false));
        assertSame(AggregateFunctions.MAX, AggregateFunctions.lookup("MAX", true, true), "DISTINCT changes nothing");
        assertEquals(7, AggregateFunctions.all().size());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> AggregateFunctions.lookup("STDDEV_POP", true, false));
        assertTrue(unknown.getMessage().contains("STDDEV_POP is not supported yet (COUNT(*), COUNT, COUNT(DISTINCT), "
                + "SUM, AVG, MIN, MAX are)"), unknown.getMessage());
        IllegalArgumentException distinct = assertThrows(IllegalArgumentException.class,
                () -> AggregateFunctions.lookup("SUM", true, true));
        assertTrue(distinct.getMessage().contains("DISTINCT is not supported in SUM"), distinct.getMessage());
        IllegalArgumentException type = assertThrows(IllegalArgumentException.class,
                () -> AggregateCall.of(AggregateFunctions.SUM, 0, VARCHAR, "x"));
        assertEquals("SUM(VARCHAR) 'x' is not supported: SUM takes INTEGER, BIGINT or DOUBLE", type.getMessage());
        assertEquals("COUNT(DISTINCT $2) AS n", AggregateCall.of(AggregateFunctions.COUNT_DISTINCT, 2, BIGINT, "n")
                .toString());
        assertEquals("COUNT(*) AS n", AggregateCall.countStar("n").toString());
    }
}
