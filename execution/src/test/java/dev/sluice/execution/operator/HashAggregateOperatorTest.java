package dev.sluice.execution.operator;

import static dev.sluice.execution.aggregate.AggregateFunctions.AVG;
import static dev.sluice.execution.aggregate.AggregateFunctions.COUNT;
import static dev.sluice.execution.aggregate.AggregateFunctions.COUNT_DISTINCT;
import static dev.sluice.execution.aggregate.AggregateFunctions.MAX;
import static dev.sluice.execution.aggregate.AggregateFunctions.MIN;
import static dev.sluice.execution.aggregate.AggregateFunctions.SUM;
import static dev.sluice.execution.testing.TestBatches.ts;
import static dev.sluice.execution.type.ColumnType.BIGINT;
import static dev.sluice.execution.type.ColumnType.DOUBLE;
import static dev.sluice.execution.type.ColumnType.INTEGER;
import static dev.sluice.execution.type.ColumnType.TIMESTAMP;
import static dev.sluice.execution.type.ColumnType.VARCHAR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.execution.aggregate.AggregateCall;
import dev.sluice.execution.aggregate.AggregateFunctions;
import dev.sluice.execution.aggregate.OutputMode;
import dev.sluice.execution.fs.FileSystemLocation;
import dev.sluice.execution.state.StateStore;
import dev.sluice.execution.state.StateStoreOptions;
import dev.sluice.execution.state.StateStoreProvider;
import dev.sluice.execution.testing.ArrowTestBase;
import dev.sluice.execution.testing.TestBatches;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.RowSchema;
import dev.sluice.execution.type.VectorValues;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HashAggregateOperatorTest extends ArrowTestBase {
    private static final RowSchema INPUT = RowSchema.of(Column.of("country", VARCHAR), Column.of("user_id", BIGINT),
            Column.of("qty", INTEGER), Column.of("amount", DOUBLE), Column.of("page", VARCHAR), Column.of("ts", TIMESTAMP));
    private static final List<AggregateCall> ALL_CALLS = List.of(
            AggregateCall.countStar("n"),
            AggregateCall.of(COUNT, 2, INTEGER, "n_qty"),
            AggregateCall.of(COUNT_DISTINCT, 1, BIGINT, "users"),
            AggregateCall.of(SUM, 2, INTEGER, "sum_qty"),
            AggregateCall.of(SUM, 3, DOUBLE, "sum_amount"),
            AggregateCall.of(AVG, 2, INTEGER, "avg_qty"),
            AggregateCall.of(AVG, 3, DOUBLE, "avg_amount"),
            AggregateCall.of(MIN, 2, INTEGER, "min_qty"),
            AggregateCall.of(MAX, 3, DOUBLE, "max_amount"),
            AggregateCall.of(MIN, 4, VARCHAR, "min_page"),
            AggregateCall.of(MAX, 4, VARCHAR, "max_page"),
            AggregateCall.of(MIN, 5, TIMESTAMP, "first_ts"),
            AggregateCall.of(MAX, 1, BIGINT, "max_user"));

    @TempDir
    Path dir;

    private static Object[] row(Object... values) {
        return values;
    }

    private static List<List<Object>> rows(Object[]... rows) {
        return Arrays.stream(rows).map(Arrays::asList).toList();
    }

    private HashAggregateOperator.Factory factory(List<Integer> keys, OutputMode mode) {
        return new HashAggregateOperator.Factory(INPUT, keys, ALL_CALLS, mode);
    }

    private StateStoreProvider provider(String checkpoint, HashAggregateOperator.Factory factory) {
        return StateStoreProvider.open(FileSystemLocation.of(dir.resolve(checkpoint).toString()), "agg",
                factory.keySchema(), factory.stateValueSchema(), new StateStoreOptions(2, 10));
    }

    /**
     * Runs batch {@code batchId}: a PARTIAL operator per task over its input batches, a FINAL one over the
     * partials merged into the store opened at {@code batchId - 1}, then commits the store. Returns the rows.
     */
    private List<List<Object>> runBatch(HashAggregateOperator.Factory factory, StateStoreProvider provider, long batchId,
                                        List<List<List<Object>>> tasks, int rowsPerInputBatch) {
        StateStore store = provider.getStore(batchId - 1);
        List<List<Object>> result;
        try (HashAggregateOperator merge = factory.createFinal(allocator, store)) {
            for (List<List<Object>> task : tasks) {
                try (HashAggregateOperator partial = factory.createPartial(allocator)) {
                    for (int from = 0; from < task.size(); from += rowsPerInputBatch) {
                        try (VectorSchemaRoot input = TestBatches.of(allocator, INPUT,
                                task.subList(from, Math.min(task.size(), from + rowsPerInputBatch)))) {
                            partial.addInput(input);
                        }
                    }
                    partial.finish();
                    try (VectorSchemaRoot states = partial.getOutput()) {
                        if (states != null) {
                            assertEquals(factory.partialSchema(), states.getSchema());
                            merge.addInput(states);
                        }
                    }
                    assertTrue(partial.isFinished());
                }
            }
            merge.finish();
            try (VectorSchemaRoot out = merge.getOutput()) {
                if (out == null) {
                    result = null;
                } else {
                    assertEquals(factory.outputSchema(), RowSchema.fromArrow(out.getSchema()));
                    result = VectorValues.rows(out);
                }
            }
        }
        store.commit(batchId);
        return result;
    }

    private List<List<Object>> runBatch(HashAggregateOperator.Factory factory, StateStoreProvider provider, long batchId,
                                        List<List<Object>> rows) {
        return runBatch(factory, provider, batchId, List.of(rows), 1000);
    }

    @Test
    void exactResultsForEachAggregateWithNulls() {
        HashAggregateOperator.Factory factory = factory(List.of(0), OutputMode.UPDATE);
        List<List<Object>> out = runBatch(factory, provider("cp", factory), 0, rows(
                row("fr", 1L, 3, 1.5, "home", ts("2024-03-01 12:00:05")),
                row("de", 7L, null, null, null, null),
                row("fr", 2L, null, 2.25, "cart", ts("2024-03-01 12:00:01")),
                row("fr", 1L, 5, null, "about", null),
                row(null, 3L, 4, 10.0, "home", ts("2024-03-01 13:00:00")),
                row("fr", null, -2, -0.75, null, ts("2024-03-01 12:00:03")),
                row("de", null, null, null, null, null)));
        assertEquals(rows(
                row("fr", 4L, 3L, 2L, 6L, 3.0, 2.0, 1.0, -2, 2.25, "about", "home", ts("2024-03-01 12:00:01"), 2L),
                row("de", 2L, 0L, 1L, null, null, null, null, null, null, null, null, null, 7L),
                row(null, 1L, 1L, 1L, 4L, 10.0, 4.0, 10.0, 4, 10.0, "home", "home", ts("2024-03-01 13:00:00"), 3L)), out);
    }

    @Test
    void resultTypesFollowTheCall() {
        RowSchema input = RowSchema.of(Column.of("k", INTEGER), Column.of("v", INTEGER));
        HashAggregateOperator.Factory factory = new HashAggregateOperator.Factory(input, List.of(0), List.of(
                new AggregateCall(SUM, 1, INTEGER, "s", INTEGER), new AggregateCall(AVG, 1, INTEGER, "a", INTEGER),
                new AggregateCall(AVG, 1, INTEGER, "b", BIGINT)), OutputMode.UPDATE);
        assertEquals(RowSchema.of(Column.of("k", INTEGER), Column.of("s", INTEGER), Column.of("a", INTEGER),
                Column.of("b", BIGINT)), factory.outputSchema());
        StateStore store = StateStoreProvider.open(FileSystemLocation.of(dir.toString()), "agg", factory.keySchema(),
                factory.stateValueSchema()).getStore(StateStore.EMPTY_VERSION);
        try (HashAggregateOperator partial = factory.createPartial(allocator);
             HashAggregateOperator merge = factory.createFinal(allocator, store);
             VectorSchemaRoot in = TestBatches.of(allocator, input, row(1, 7), row(1, 8), row(2, -7), row(2, -8))) {
            partial.addInput(in);
            partial.finish();
            try (VectorSchemaRoot states = partial.getOutput()) {
                merge.addInput(states);
            }
            merge.finish();
            try (VectorSchemaRoot out = merge.getOutput()) {
                // AVG over integers truncates toward zero, as Calcite's AVG(INTEGER) does.
                assertEquals(rows(row(1, 15, 7, 7L), row(2, -15, -7, -7L)), VectorValues.rows(out));
            }
        }
    }

    @Test
    void updateEmitsChangedGroupsAndCompleteEmitsAll() {
        List<List<Object>> batch0 = rows(row("fr", 1L, 1, 1.0, "a", null), row("de", 2L, 2, 2.0, "b", null));
        List<List<Object>> batch1 = rows(row("de", 3L, 3, 3.0, "c", null));
        HashAggregateOperator.Factory update = new HashAggregateOperator.Factory(INPUT, List.of(0),
                List.of(AggregateCall.countStar("n"), AggregateCall.of(SUM, 2, INTEGER, "qty")), OutputMode.UPDATE);
        StateStoreProvider updates = provider("update", update);
        assertEquals(rows(row("fr", 1L, 1L), row("de", 1L, 2L)), runBatch(update, updates, 0, batch0));
        assertEquals(rows(row("de", 2L, 5L)), runBatch(update, updates, 1, batch1));
        assertNull(runBatch(update, updates, 2, List.of()), "no change, no batch");

        HashAggregateOperator.Factory complete = new HashAggregateOperator.Factory(INPUT, List.of(0),
                List.of(AggregateCall.countStar("n"), AggregateCall.of(SUM, 2, INTEGER, "qty")), OutputMode.COMPLETE);
        StateStoreProvider completes = provider("complete", complete);
        // In encoded-key order: "de" before "fr".
        assertEquals(rows(row("de", 1L, 2L), row("fr", 1L, 1L)), runBatch(complete, completes, 0, batch0));
        assertEquals(rows(row("de", 2L, 5L), row("fr", 1L, 1L)), runBatch(complete, completes, 1, batch1));
        assertEquals(rows(row("de", 2L, 5L), row("fr", 1L, 1L)), runBatch(complete, completes, 2, List.of()));
    }

    @Test
    void globalAggregateInCompleteModeEmitsItsRowBeforeAnyInput() {
        HashAggregateOperator.Factory factory = new HashAggregateOperator.Factory(INPUT, List.of(),
                List.of(AggregateCall.countStar("n"), AggregateCall.of(MAX, 5, TIMESTAMP, "last")), OutputMode.COMPLETE);
        StateStoreProvider provider = provider("cp", factory);
        assertEquals(rows(row(0L, null)), runBatch(factory, provider, 0, List.of()));
        assertEquals(rows(row(2L, ts("2024-01-01 00:00:02"))), runBatch(factory, provider, 1,
                rows(row("fr", 1L, 1, 1.0, "a", ts("2024-01-01 00:00:02")), row("de", 1L, 1, 1.0, "a", null))));
    }

    /** Seeded rows over few groups, with NULLs in every column; amounts are quarters, so sums are exact. */
    private static List<List<Object>> generate(Random random, int count) {
        String[] countries = {"fr", "de", "us", "jp", "br", null};
        String[] pages = {"home", "cart", "about", "Über", "zz", "a"};
        List<List<Object>> rows = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            rows.add(Arrays.asList(
                    countries[random.nextInt(countries.length)],
                    random.nextInt(10) == 0 ? null : (long) random.nextInt(40),
                    random.nextInt(8) == 0 ? null : random.nextInt(2001) - 1000,
                    random.nextInt(8) == 0 ? null : (random.nextInt(4001) - 2000) / 4.0,
                    random.nextInt(8) == 0 ? null : pages[random.nextInt(pages.length)],
                    random.nextInt(8) == 0 ? null : ts("2024-03-01 00:00:00").plusSeconds(random.nextInt(86_400))));
        }
        return rows;
    }

    /** The aggregates computed naively over every row so far, for the groups {@code emitted}, sorted. */
    private static List<List<Object>> reference(List<List<Object>> allRows, Set<List<Object>> emitted, List<Integer> keys) {
        Map<List<Object>, List<List<Object>>> groups = new LinkedHashMap<>();
        for (List<Object> r : allRows) {
            List<Object> key = keys.stream().map(r::get).toList();
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
        }
        List<List<Object>> result = new ArrayList<>();
        for (List<Object> key : emitted) {
            List<Object> out = new ArrayList<>(key);
            for (AggregateCall call : ALL_CALLS) {
                out.add(naive(call, groups.get(key)));
            }
            result.add(out);
        }
        return sorted(result);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object naive(AggregateCall call, List<List<Object>> rows) {
        if (call.function() == AggregateFunctions.COUNT_STAR) {
            return (long) rows.size();
        }
        List<Object> values = rows.stream().map(r -> r.get(call.argument())).filter(v -> v != null).toList();
        return switch (call.function().displayName()) {
            case "COUNT" -> (long) values.size();
            case "COUNT(DISTINCT)" -> (long) new HashSet<>(values).size();
            case "SUM" -> values.isEmpty() ? null : naiveSum(call, values);
            case "AVG" -> values.isEmpty() ? null : values.stream().mapToDouble(v -> ((Number) v).doubleValue()).sum() / values.size();
            case "MIN" -> values.stream().map(v -> (Comparable) v).min(Comparator.naturalOrder()).orElse(null);
            case "MAX" -> values.stream().map(v -> (Comparable) v).max(Comparator.naturalOrder()).orElse(null);
            default -> throw new AssertionError(call);
        };
    }

    /** Boxed apart: a conditional expression would widen the long sum to Double. */
    private static Object naiveSum(AggregateCall call, List<Object> values) {
        if (call.argumentType() == DOUBLE) {
            return values.stream().mapToDouble(v -> (Double) v).sum();
        }
        return values.stream().mapToLong(v -> ((Number) v).longValue()).sum();
    }

    private static List<List<Object>> sorted(List<List<Object>> rows) {
        if (rows == null) {
            return List.of();
        }
        List<List<Object>> copy = new ArrayList<>(rows);
        copy.sort(Comparator.comparing(String::valueOf));
        return copy;
    }

    @Test
    void partialsPerTaskMergedEqualSinglePassAndNaiveResults() {
        Random random = new Random(42);
        List<List<Object>> rows = generate(random, 3_000);
        for (List<Integer> keys : List.of(List.of(0), List.of(0, 4), List.<Integer>of(), List.of(1, 5))) {
            HashAggregateOperator.Factory factory = factory(keys, OutputMode.UPDATE);
            List<List<List<Object>>> tasks = List.of(rows.subList(0, 1000), rows.subList(1000, 1100),
                    List.of(), rows.subList(1100, 3000));
            List<List<Object>> partitioned = runBatch(factory, provider("split" + keys, factory), 0, tasks, 256);
            List<List<Object>> singlePass = runBatch(factory, provider("single" + keys, factory), 0, List.of(rows), 3000);
            Set<List<Object>> groups = new LinkedHashSet<>();
            rows.forEach(r -> groups.add(keys.stream().map(r::get).toList()));
            assertEquals(reference(rows, groups, keys), sorted(partitioned), "keys " + keys);
            assertEquals(sorted(singlePass), sorted(partitioned), "keys " + keys);
        }
    }

    @Test
    void restoredFromTheStoreThenContinuedEqualsUninterrupted() {
        Random random = new Random(7);
        List<List<List<Object>>> batches = new ArrayList<>();
        for (int b = 0; b < 6; b++) {
            batches.add(generate(random, 200 + 50 * b));
        }
        List<Integer> keys = List.of(0, 4);
        HashAggregateOperator.Factory factory = factory(keys, OutputMode.UPDATE);
        StateStoreProvider uninterrupted = provider("uninterrupted", factory);
        List<List<List<Object>>> expected = new ArrayList<>();
        List<List<Object>> seen = new ArrayList<>();
        for (int b = 0; b < batches.size(); b++) {
            List<List<Object>> out = runBatch(factory, uninterrupted, b, batches.get(b));
            expected.add(out);
            seen.addAll(batches.get(b));
            Set<List<Object>> changed = new LinkedHashSet<>();
            batches.get(b).forEach(r -> changed.add(keys.stream().map(r::get).toList()));
            assertEquals(reference(seen, changed, keys), sorted(out), "batch " + b);
        }

        // Run 1 commits batches 0..2, then runs batch 3 and commits its state, but the query dies before its
        // commit marker; run 2 (a fresh provider, as after a restart) restores batch 2 and re-runs 3, then 4, 5.
        StateStoreProvider first = provider("restarted", factory);
        for (int b = 0; b <= 3; b++) {
            assertEquals(expected.get(b), runBatch(factory, first, b, batches.get(b)), "batch " + b);
        }
        StateStoreProvider second = provider("restarted", factory);
        for (int b = 3; b < batches.size(); b++) {
            assertEquals(expected.get(b), runBatch(factory, second, b, batches.get(b)), "batch " + b + " after restart");
        }
        // The same in complete mode, restarted at every batch.
        HashAggregateOperator.Factory complete = factory(keys, OutputMode.COMPLETE);
        StateStoreProvider straight = provider("complete", complete);
        List<List<List<Object>>> completeOutputs = new ArrayList<>();
        for (int b = 0; b < batches.size(); b++) {
            completeOutputs.add(runBatch(complete, straight, b, batches.get(b)));
        }
        for (int b = 0; b < batches.size(); b++) {
            assertEquals(completeOutputs.get(b), runBatch(complete, provider("complete-restarts", complete), b,
                    batches.get(b)), "batch " + b);
        }
    }

    @Test
    void changedAggregatesRefuseTheOldState() {
        HashAggregateOperator.Factory factory = factory(List.of(0), OutputMode.UPDATE);
        runBatch(factory, provider("cp", factory), 0, rows(row("fr", 1L, 1, 1.0, "a", null)));
        HashAggregateOperator.Factory changed = new HashAggregateOperator.Factory(INPUT, List.of(0),
                List.of(AggregateCall.countStar("n")), OutputMode.UPDATE);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> provider("cp", changed));
        assertTrue(e.getMessage().contains("now needs key (country VARCHAR), value (n$count BIGINT)"), e.getMessage());
    }

    @Test
    void validatesWhenBuilt() {
        IllegalArgumentException wrongType = assertThrows(IllegalArgumentException.class,
                () -> new HashAggregateOperator.Factory(INPUT, List.of(0),
                        List.of(AggregateCall.of(SUM, 1, INTEGER, "s")), OutputMode.UPDATE));
        assertEquals("Aggregate SUM($1) AS s expects INTEGER but input column 'user_id' is BIGINT", wrongType.getMessage());
        IllegalArgumentException badChannel = assertThrows(IllegalArgumentException.class,
                () -> new HashAggregateOperator.Factory(INPUT, List.of(9), List.of(), OutputMode.UPDATE));
        assertTrue(badChannel.getMessage().startsWith("The group key is input column 9, but the input has 6 columns"),
                badChannel.getMessage());
        IllegalArgumentException sumOfText = assertThrows(IllegalArgumentException.class,
                () -> AggregateCall.of(SUM, 0, VARCHAR, "s"));
        assertEquals("SUM(VARCHAR) 's' is not supported: SUM takes INTEGER, BIGINT or DOUBLE", sumOfText.getMessage());
        IllegalArgumentException repeated = assertThrows(IllegalArgumentException.class,
                () -> new HashAggregateOperator.Factory(INPUT, List.of(0), List.of(AggregateCall.countStar("country")),
                        OutputMode.UPDATE));
        assertTrue(repeated.getMessage().contains("repeat a name"), repeated.getMessage());
    }

    @Test
    void integerSumOverflowNamesTheAggregate() {
        RowSchema input = RowSchema.of(Column.of("v", BIGINT));
        HashAggregateOperator.Factory factory = new HashAggregateOperator.Factory(input, List.of(),
                List.of(AggregateCall.of(SUM, 0, BIGINT, "total")), OutputMode.UPDATE);
        try (HashAggregateOperator partial = factory.createPartial(allocator);
             VectorSchemaRoot in = TestBatches.of(allocator, input, row(Long.MAX_VALUE), row(1L))) {
            ArithmeticException e = assertThrows(ArithmeticException.class, () -> partial.addInput(in));
            assertEquals("The sum of SUM 'total' overflows BIGINT", e.getMessage());
        }
    }

    @Test
    void doubleKeysGroupNegativeZeroWithZeroAndNaNsTogether() {
        RowSchema input = RowSchema.of(Column.of("d", DOUBLE), Column.of("x", ColumnType.BOOLEAN));
        HashAggregateOperator.Factory factory = new HashAggregateOperator.Factory(input, List.of(0, 1),
                List.of(AggregateCall.countStar("n")), OutputMode.UPDATE);
        try (HashAggregateOperator partial = factory.createPartial(allocator);
             VectorSchemaRoot in = TestBatches.of(allocator, input, row(0.0, true), row(-0.0, true),
                     row(Double.NaN, false), row(0.0 / 0.0 * -1, false), row(null, null), row(null, true))) {
            partial.addInput(in);
            partial.finish();
            try (VectorSchemaRoot out = partial.getOutput()) {
                assertEquals(rows(row(0.0, true, 2L), row(Double.NaN, false, 2L), row(null, null, 1L),
                        row(null, true, 1L)), VectorValues.rows(out));
            }
        }
    }
}
