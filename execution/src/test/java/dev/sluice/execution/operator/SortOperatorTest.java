package dev.sluice.execution.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.execution.changelog.ChangeBatch;
import dev.sluice.execution.plan.SortKey;
import dev.sluice.execution.testing.ArrowTestBase;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.RowSchema;
import dev.sluice.execution.type.VectorValues;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;

/**
 * ORDER BY [OFFSET] [LIMIT] over many batches, each checked against a plain-Java reference: the same rows as Java
 * values, sorted stably by a {@link Comparator} built from {@code Comparator.nullsFirst/nullsLast} over the
 * values' natural order, then cut to the offset and limit.
 */
class SortOperatorTest extends ArrowTestBase {
    /** Every column type; {@code seq} is each row's input position, unique, so ties show their order. */
    private static final RowSchema ROWS = RowSchema.of(Column.of("seq", ColumnType.BIGINT), Column.of("b", ColumnType.BOOLEAN),
            Column.of("i", ColumnType.INTEGER), Column.of("l", ColumnType.BIGINT), Column.of("d", ColumnType.DOUBLE),
            Column.of("s", ColumnType.VARCHAR), Column.of("t", ColumnType.TIMESTAMP));
    private static final String[] STRINGS = {"", "a", "ab", "b", "é", "\u00ff", "\uE000", "\uFFFF", "\uD83D\uDE00",
        "\uD83D\uDE00a", "z\uE000", "z\uD83D\uDE00", "\u4e2d\u6587", "a\u0000b", "A"};
    private static final double[] DOUBLES = {-1.5, -0.0, 0.0, 1.5, Double.NaN, Double.NEGATIVE_INFINITY,
        Double.POSITIVE_INFINITY, Double.MAX_VALUE};

    /** The reference: the rows sorted stably by {@code keys}, SQL's way, rows {@code [offset, offset + fetch)}. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static List<List<Object>> reference(List<List<Object>> rows, List<SortKey> keys, long offset, long fetch) {
        Comparator<List<Object>> order = (a, b) -> 0;
        for (SortKey key : keys) {
            Comparator<Comparable> values = key.descending() ? Comparator.reverseOrder() : Comparator.naturalOrder();
            Comparator<Comparable> withNulls = key.nullsFirst() ? Comparator.nullsFirst(values) : Comparator.nullsLast(values);
            order = order.thenComparing(row -> (Comparable) row.get(key.column()), withNulls);
        }
        List<List<Object>> sorted = new ArrayList<>(rows);
        sorted.sort(order);  // stable
        int from = (int) Math.min(offset, sorted.size());
        int to = (int) Math.min(sorted.size(), from + Math.min(fetch, Integer.MAX_VALUE));
        return sorted.subList(from, to);
    }

    private static Object randomValue(Random random, ColumnType type, int distinct) {
        if (random.nextInt(8) == 0) {
            return null;
        }
        return switch (type) {
            case BOOLEAN -> random.nextBoolean();
            case INTEGER -> random.nextInt(20) == 0 ? (random.nextBoolean() ? Integer.MIN_VALUE : Integer.MAX_VALUE)
                    : random.nextInt(distinct) - distinct / 2;
            case BIGINT -> random.nextInt(20) == 0 ? (random.nextBoolean() ? Long.MIN_VALUE : Long.MAX_VALUE)
                    : random.nextBoolean() ? (long) random.nextInt(distinct) : random.nextInt(distinct) * -1_000_000_007L;
            case DOUBLE -> random.nextInt(3) == 0 ? DOUBLES[random.nextInt(DOUBLES.length)] : random.nextInt(distinct) / 4.0;
            case VARCHAR -> {
                StringBuilder text = new StringBuilder();
                for (int parts = random.nextInt(4); parts >= 0; parts--) {  // across the first four UTF-16 units
                    text.append(STRINGS[random.nextInt(random.nextBoolean() ? 3 : STRINGS.length)]);
                }
                yield text.toString();
            }
            case TIMESTAMP -> LocalDateTime.of(2024, 1, 1, 0, 0).plusSeconds(random.nextInt(distinct) - distinct / 2);
        };
    }

    /** Runs the operator over {@code batches} (empty ones too), each its own batch; its one output's rows. */
    private List<List<Object>> sort(List<SortKey> keys, long offset, long fetch, List<List<List<Object>>> batches) {
        SortOperator.Factory factory = new SortOperator.Factory(ROWS, keys, offset, fetch, "Sort");
        try (SortOperator op = factory.create(new OperatorContext(0, Long.MIN_VALUE, allocator, Optional.empty(), 0))) {
            for (List<List<Object>> batch : batches) {
                assertEquals(List.of(), op.add(0, ChangeBatch.inserts(VectorValues.toBatch(ROWS, batch, allocator))));
            }
            List<ChangeBatch> out = op.finish();
            try {
                assertTrue(out.size() <= 1, "one batch at most: " + out.size());
                return out.isEmpty() ? List.of() : VectorValues.rows(out.get(0).rows());
            } finally {
                out.forEach(ChangeBatch::close);
            }
        }
    }

    @Test
    void randomRowsOverManyBatchesSortAsTheReferenceDoes() {
        Random random = new Random(20261206);
        long[][] limits = {{0, Long.MAX_VALUE}, {0, 1}, {0, 10}, {7, 25}, {100, Long.MAX_VALUE}, {0, 0}, {3, 5000},
            {1_000_000, 10}, {Long.MAX_VALUE, Long.MAX_VALUE}, {5, Long.MAX_VALUE - 2}};
        for (int round = 0; round < 60; round++) {
            int distinct = 1 + random.nextInt(round % 3 == 0 ? 3 : 50);  // few distinct values: many ties
            List<List<List<Object>>> batches = new ArrayList<>();
            List<List<Object>> all = new ArrayList<>();
            int batchCount = 1 + random.nextInt(12);
            int maxRows = round % 10 == 9 ? 3000 : 300;  // with more than SortOperator.MIN_ROWS_TO_NARROW sometimes
            for (int b = 0; b < batchCount; b++) {
                List<List<Object>> batch = new ArrayList<>();
                int rows = random.nextInt(5) == 0 ? 0 : random.nextInt(maxRows);
                for (int r = 0; r < rows; r++) {
                    List<Object> row = new ArrayList<>();
                    row.add((long) all.size());
                    for (int c = 1; c < ROWS.size(); c++) {
                        row.add(randomValue(random, ROWS.column(c).type(), distinct));
                    }
                    batch.add(row);
                    all.add(row);
                }
                batches.add(batch);
            }
            List<SortKey> keys = new ArrayList<>();
            int keyCount = 1 + random.nextInt(3);
            for (int k = 0; k < keyCount; k++) {
                keys.add(new SortKey(1 + random.nextInt(ROWS.size() - 1), random.nextBoolean(), random.nextBoolean()));
            }
            long[] limit = limits[round % limits.length];
            assertEquals(reference(all, keys, limit[0], limit[1]), sort(keys, limit[0], limit[1], batches),
                    "round " + round + ", keys " + keys + ", offset " + limit[0] + ", fetch " + limit[1]);
        }
    }

    @Test
    void aTopKOverManyBatchesKeepsTheFirstRowsAndTheirTiesInInputOrder() {
        // Enough rows that the kept rows are narrowed down many times, with a bound that each new batch is
        // filtered against: descending, NULLs first, heavy ties on the first key.
        Random random = new Random(7);
        List<List<List<Object>>> batches = new ArrayList<>();
        List<List<Object>> all = new ArrayList<>();
        for (int b = 0; b < 40; b++) {
            List<List<Object>> batch = new ArrayList<>();
            for (int r = 0; r < 1000; r++) {
                List<Object> row = Arrays.asList((long) all.size(), null, random.nextInt(10) == 0 ? null : random.nextInt(4),
                        (long) random.nextInt(1000), null, "s" + random.nextInt(50), null);
                batch.add(row);
                all.add(row);
            }
            batches.add(batch);
        }
        List<SortKey> keys = List.of(new SortKey(2, true, true), new SortKey(5, false, false));
        for (long[] limit : new long[][] {{0, 1}, {0, 100}, {50, 3000}, {4000, 4000}, {0, 39_999}, {0, 40_000}}) {
            assertEquals(reference(all, keys, limit[0], limit[1]), sort(keys, limit[0], limit[1], batches),
                    "offset " + limit[0] + ", fetch " + limit[1]);
        }
    }

    @Test
    void stringsSortAsJavaStringsDoEvenWhereUtf16AndCodePointsDisagree() {
        // U+E000..U+FFFF sort after U+10000.. in UTF-16 (String.compareTo), before them by code point (UTF-8 bytes).
        List<List<Object>> rows = new ArrayList<>();
        for (String s : List.of("\uFFFF", "\uD83D\uDE00", "\uE000x", "\uD800\uDC00", "x\uFFFD", "x\uD83D\uDE00", "x")) {
            rows.add(Arrays.asList((long) rows.size(), null, null, null, null, s, null));
        }
        List<SortKey> keys = List.of(SortKey.ascending(5));
        assertEquals(reference(rows, keys, 0, Long.MAX_VALUE), sort(keys, 0, Long.MAX_VALUE, List.of(rows)));
        assertEquals(List.of("x", "x\uD83D\uDE00", "x\uFFFD", "\uD800\uDC00", "\uD83D\uDE00", "\uE000x", "\uFFFF"),
                sort(keys, 0, Long.MAX_VALUE, List.of(rows)).stream().map(r -> r.get(5)).toList());
    }

    @Test
    void bytesThatAreNotUtf8SortAsTheStringsJavaReadsFromThem() {
        // Raw and JSON records' text is copied into the vectors as it came: a malformed byte reads as U+FFFD.
        byte[][] values = {"b".getBytes(StandardCharsets.UTF_8), {(byte) 0xC3}, "\uFFFF".getBytes(StandardCharsets.UTF_8),
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, "a".getBytes(StandardCharsets.UTF_8), {(byte) 0xFF, 'a'},
            "\uD83D\uDE00".getBytes(StandardCharsets.UTF_8)};
        List<List<Object>> rows = new ArrayList<>();
        SortOperator.Factory factory = new SortOperator.Factory(ROWS, List.of(SortKey.ascending(5)), 0, Long.MAX_VALUE, "Sort");
        List<List<Object>> sorted;
        try (SortOperator op = factory.create(new OperatorContext(0, Long.MIN_VALUE, allocator, Optional.empty(), 0))) {
            // One batch of valid strings first, then one with malformed bytes.
            op.add(0, ChangeBatch.inserts(VectorValues.toBatch(ROWS, List.of(
                    Arrays.asList(100L, null, null, null, null, "\uFFFD", null),
                    Arrays.asList(101L, null, null, null, null, "\uD83D\uDE00", null)), allocator)));
            VectorSchemaRoot batch = VectorValues.toBatch(ROWS, List.of(), allocator);
            VarCharVector s = (VarCharVector) batch.getVector(5);
            for (int r = 0; r < values.length; r++) {
                VectorValues.set(batch.getVector(0), r, (long) r);
                s.setSafe(r, values[r]);
                rows.add(Arrays.asList((long) r, null, null, null, null, new String(values[r], StandardCharsets.UTF_8), null));
            }
            batch.setRowCount(values.length);
            op.add(0, ChangeBatch.inserts(batch));
            List<ChangeBatch> out = op.finish();
            sorted = VectorValues.rows(out.get(0).rows());
            out.forEach(ChangeBatch::close);
        }
        List<List<Object>> all = new ArrayList<>(List.of(Arrays.asList(100L, null, null, null, null, "\uFFFD", null),
                Arrays.asList(101L, null, null, null, null, "\uD83D\uDE00", null)));
        all.addAll(rows);
        assertEquals(reference(all, List.of(SortKey.ascending(5)), 0, Long.MAX_VALUE), sorted);
    }

    @Test
    void deletedRowsAreRefusedAndTheirBatchFreed() {
        SortOperator.Factory factory = new SortOperator.Factory(ROWS, List.of(SortKey.ascending(3)), 0, 10, "Sort");
        List<List<Object>> rows = List.of(Arrays.asList(0L, true, 1, 5L, 1.0, "a", null),
                Arrays.asList(1L, false, 2, 3L, 2.0, "b", null));
        try (SortOperator op = factory.create(new OperatorContext(0, Long.MIN_VALUE, allocator, Optional.empty(), 0))) {
            // Inserts with weights (all +1) are taken; a retraction of a row already taken is refused.
            op.add(0, ChangeBatch.of(VectorValues.toBatch(ROWS, rows, allocator), weights(1, 1)));
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> op.add(0, ChangeBatch.of(VectorValues.toBatch(ROWS, rows.subList(0, 1), allocator), weights(-1))));
            assertEquals("ORDER BY got deleted rows: it sorts a bounded query's rows only", e.getMessage());
        }
        // The allocator, closed after the test, fails it if a batch leaked.
    }

    @Test
    void whatIsKeptIsFreedWhenTheOperatorClosesWithoutFinishing() {
        SortOperator.Factory factory = new SortOperator.Factory(ROWS, List.of(new SortKey(5, true, true)), 0, 3, "Sort");
        Random random = new Random(1);
        try (SortOperator op = factory.create(new OperatorContext(0, Long.MIN_VALUE, allocator, Optional.empty(), 0))) {
            for (int b = 0; b < 5; b++) {
                List<List<Object>> batch = new ArrayList<>();
                for (int r = 0; r < 3000; r++) {
                    batch.add(Arrays.asList((long) r, null, null, null, null, randomValue(random, ColumnType.VARCHAR, 10), null));
                }
                op.add(0, ChangeBatch.inserts(VectorValues.toBatch(ROWS, batch, allocator)));
            }
            assertTrue(allocator.getAllocatedMemory() > 0);
        }
        assertEquals(0, allocator.getAllocatedMemory());
    }

    private IntVector weights(int... values) {
        IntVector vector = new IntVector("$weight", allocator);
        vector.allocateNew(values.length);
        for (int i = 0; i < values.length; i++) {
            vector.set(i, values[i]);
        }
        vector.setValueCount(values.length);
        return vector;
    }
}
