package dev.sluice.execution.operator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.sluice.execution.changelog.ChangeBatch;
import dev.sluice.execution.connector.TableDescriptor;
import dev.sluice.execution.fs.FileSystemLocation;
import dev.sluice.execution.plan.ScanNode;
import dev.sluice.execution.plan.SortKey;
import dev.sluice.execution.plan.TopNNode.RankFunction;
import dev.sluice.execution.plan.WindowTopNNode;
import dev.sluice.execution.state.RowCodec;
import dev.sluice.execution.state.StateSpec;
import dev.sluice.execution.state.StateStore;
import dev.sluice.execution.state.StateStoreProvider;
import dev.sluice.execution.testing.ArrowTestBase;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.RowSchema;
import dev.sluice.execution.type.VectorValues;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The window Top-N, batch by batch: each window's top kept in the state as the row encoding writes it (so a
 * top stored by an earlier release, from Java values, is read as is), ranked with ties as a plain-Java ranking
 * of all the window's rows does, and emitted once the watermark passes the window's end.
 */
class WindowTopNOperatorTest extends ArrowTestBase {
    private static final RowSchema INPUT = RowSchema.of(Column.of("window_end", ColumnType.TIMESTAMP),
            Column.of("k", ColumnType.BIGINT), Column.of("v", ColumnType.BIGINT), Column.of("s", ColumnType.VARCHAR));
    private static final RowSchema OUT = RowSchema.of(Column.of("window_end", ColumnType.TIMESTAMP),
            Column.of("k", ColumnType.BIGINT), Column.of("v", ColumnType.BIGINT), Column.of("s", ColumnType.VARCHAR),
            Column.of("rn", ColumnType.BIGINT));
    private static final RowSchema KEY = RowSchema.of(Column.of("window_end", ColumnType.TIMESTAMP),
            Column.of("k", ColumnType.BIGINT));
    private static final LocalDateTime W1 = LocalDateTime.of(2026, 1, 1, 0, 1);
    private static final LocalDateTime W2 = LocalDateTime.of(2026, 1, 1, 0, 2);
    private static final long LIMIT = 2;
    /** v descending, NULLs last. */
    private static final Comparator<List<Object>> ORDER = Comparator.comparing((List<Object> r) -> (Long) r.get(2),
            Comparator.nullsLast(Comparator.<Long>reverseOrder()));

    @TempDir
    Path checkpoint;

    private static List<Object> row(Object... values) {
        return Arrays.asList(values);
    }

    private static WindowTopNOperator.Factory factory(RankFunction function) {
        ScanNode scan = new ScanNode(new TableDescriptor("t", INPUT, Map.of()), INPUT);
        return new WindowTopNOperator.Factory(new WindowTopNNode(scan, List.of(0, 1), List.of(new SortKey(2, true, false)),
                function, LIMIT, 0, 0, false, OUT));
    }

    /** Runs batch {@code batch} over {@code rows} with the watermark {@code watermark}: the rows emitted. */
    private List<List<Object>> run(WindowTopNOperator.Factory factory, StateStore store, long batch, long watermark,
                                   List<List<Object>> rows) {
        List<List<Object>> emitted = new ArrayList<>();
        try (WindowTopNOperator op = factory.create(new OperatorContext(batch, watermark, allocator, Optional.of(store), 0))) {
            op.add(0, ChangeBatch.inserts(VectorValues.toBatch(INPUT, rows, allocator)));
            for (ChangeBatch out : op.finish()) {
                try (out) {
                    assertEquals(true, out.isInsertOnly());
                    emitted.addAll(VectorValues.rows(out.rows()));
                }
            }
        }
        return emitted;
    }

    /** The reference: the rows sorted (stable), ranked, those of the first ranks, each with its rank. */
    private static List<List<Object>> top(List<List<Object>> rows, RankFunction function) {
        List<List<Object>> sorted = new ArrayList<>(rows);
        sorted.sort(ORDER);
        List<List<Object>> out = new ArrayList<>();
        long rank = 0;
        long dense = 0;
        for (int i = 0; i < sorted.size(); i++) {
            if (i == 0 || ORDER.compare(sorted.get(i - 1), sorted.get(i)) != 0) {
                rank = i + 1;
                dense++;
            }
            long r = switch (function) {
                case ROW_NUMBER -> i + 1;
                case RANK -> rank;
                case DENSE_RANK -> dense;
            };
            if (r <= LIMIT) {
                List<Object> ranked = new ArrayList<>(sorted.get(i));
                ranked.add(r);
                out.add(ranked);
            }
        }
        return out;
    }

    private static List<List<Object>> withoutRank(List<List<Object>> ranked) {
        return ranked.stream().map(r -> r.subList(0, r.size() - 1)).toList();
    }

    @Test
    void aTopStoredAsJavaValuesIsMergedRankedWithTiesAndEmittedWhenItsWindowCloses() {
        for (RankFunction function : RankFunction.values()) {
            WindowTopNOperator.Factory factory = factory(function);
            StateSpec spec = factory.state("window-topn").orElseThrow();
            StateStoreProvider provider = StateStoreProvider.open(
                    FileSystemLocation.of(checkpoint.resolve(function.name()).toString()), "window-topn",
                    spec.keySchema(), spec.valueSchema());
            StateStore store = provider.getStore(-1);
            // Window W1, key 1's top as the boxed operator stored it (a valid top for every function).
            List<List<Object>> stored = List.of(row(W1, 1L, 10L, "a"), row(W1, 1L, 9L, "b"));
            store.put(RowCodec.encode(row(W1, 1L), KEY), RowCodec.encodeRows(stored, INPUT));
            store.commit(0);
            store = provider.getStore(0);
            List<List<Object>> rows = List.of(row(W1, 1L, 10L, "c"), row(W1, 1L, 9L, "d"), row(W1, 2L, null, "n"),
                    row(W2, 1L, 5L, "p"), row(W1, 1L, 11L, "e"), row(W1, 2L, 3L, "q"), row(W1, 1L, 8L, "f"),
                    row(W1, 1L, 10L, "g"), row(W2, 1L, 5L, "r"), row(W1, 2L, 3L, null), row(W2, 1L, 6L, "s"));
            Map<List<Object>, List<List<Object>>> windows = new LinkedHashMap<>();
            windows.put(row(W1, 1L), new ArrayList<>(stored));
            for (List<Object> r : rows) {
                windows.computeIfAbsent(r.subList(0, 2), k -> new ArrayList<>()).add(r);
            }

            // No watermark yet: nothing emitted, each window's top kept, in the earlier encoding's bytes.
            assertEquals(List.of(), run(factory, store, 1, Long.MIN_VALUE, rows), function.name());
            for (Map.Entry<List<Object>, List<List<Object>>> w : windows.entrySet()) {
                assertArrayEquals(RowCodec.encodeRows(withoutRank(top(w.getValue(), function)), INPUT),
                        store.get(RowCodec.encode(w.getKey(), KEY)), function + " " + w.getKey());
            }
            store.commit(1);
            store = provider.getStore(1);

            // The watermark passes W1: its windows (key order) emitted ranked, and gone from the state; W2 kept.
            List<List<Object>> expected = new ArrayList<>();
            expected.addAll(top(windows.get(row(W1, 1L)), function));
            expected.addAll(top(windows.get(row(W1, 2L)), function));
            assertEquals(expected, run(factory, store, 2, VectorValues.toEpochMillis(W1), List.of()), function.name());
            assertNull(store.get(RowCodec.encode(row(W1, 1L), KEY)));
            assertNull(store.get(RowCodec.encode(row(W1, 2L), KEY)));
            assertArrayEquals(RowCodec.encodeRows(withoutRank(top(windows.get(row(W2, 1L)), function)), INPUT),
                    store.get(RowCodec.encode(row(W2, 1L), KEY)));
            store.abort();
        }
    }
}
