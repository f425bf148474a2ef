package dev.sluice.execution.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.execution.changelog.ChangeBatch;
import dev.sluice.execution.fs.FileSystemLocation;
import dev.sluice.execution.plan.JoinType;
import dev.sluice.execution.state.StateEntry;
import dev.sluice.execution.state.StateSpec;
import dev.sluice.execution.state.StateStore;
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
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A regular (state TTL) join batch by batch, with the batches' logged times set by the test: the TTL counts in
 * them, a row without a match is deleted when its match comes, and rows of keys no batch reads again leave at
 * the next sweep.
 */
class StreamJoinOperatorTest extends ArrowTestBase {
    private static final RowSchema LEFT = RowSchema.of(Column.of("k", ColumnType.BIGINT), Column.of("l", ColumnType.VARCHAR));
    private static final RowSchema RIGHT = RowSchema.of(Column.of("k", ColumnType.BIGINT), Column.of("r", ColumnType.VARCHAR));
    private static final RowSchema OUT = RowSchema.of(Column.of("k", ColumnType.BIGINT), Column.of("l", ColumnType.VARCHAR),
            Column.of("k0", ColumnType.BIGINT), Column.of("r", ColumnType.VARCHAR));

    @TempDir
    Path checkpoint;

    private StreamJoinOperator.Factory factory;
    private StateStoreProvider provider;
    private long batch;

    @BeforeEach
    void openState() {
        factory = new StreamJoinOperator.Factory(JoinType.LEFT, LEFT, RIGHT, List.of(0), List.of(0), Optional.empty(),
                Optional.of(1_000L), false, OUT);
        StateSpec spec = factory.state("join").orElseThrow();
        provider = StateStoreProvider.open(FileSystemLocation.of(checkpoint.toString()), "join", spec.keySchema(),
                spec.valueSchema());
    }

    private static List<Object> row(Object... values) {
        return Arrays.asList(values);
    }

    /** Runs the next batch at logged time {@code millis}: its changes as rows with their weight first. */
    private List<List<Object>> run(long millis, List<List<Object>> left, List<List<Object>> right) {
        StateStore store = provider.getStore(batch - 1);
        List<List<Object>> changes = new ArrayList<>();
        try (StreamJoinOperator op = factory.create(new OperatorContext(batch, Long.MIN_VALUE, allocator,
                Optional.of(store), millis))) {
            if (!left.isEmpty()) {
                op.add(0, ChangeBatch.inserts(VectorValues.toBatch(LEFT, left, allocator)));
            }
            if (!right.isEmpty()) {
                op.add(1, ChangeBatch.inserts(VectorValues.toBatch(RIGHT, right, allocator)));
            }
            changes.addAll(TestBatches.weightedRows(op.finish()));
        }
        store.commit(batch);
        batch++;
        return changes;
    }

    private long entries() {
        StateStore store = provider.getStore(batch - 1);
        try {
            return store.size();
        } finally {
            store.abort();
        }
    }

    @Test
    void aLeftJoinKeptByATtlInTheBatchesLoggedTimes() {
        // Batch 0 (t = 0): three orders, no match yet: each emitted null-padded at once.
        assertEquals(List.of(row(1, 1L, "a", null, null), row(1, 2L, "b", null, null), row(1, 3L, "c", null, null)),
                run(0, List.of(row(1L, "a"), row(2L, "b"), row(3L, "c")), List.of()));
        assertEquals(3, entries(), "an entry per join key");
        // Batch 1 (t = 500): key 1's first match: the pair, and the null-padded row deleted.
        assertEquals(List.of(row(1, 1L, "a", 1L, "x"), row(-1, 1L, "a", null, null)),
                run(500, List.of(), List.of(row(1L, "x"))));
        // Batch 2 (t = 1200): key 2's order is 1200 ms old, past the TTL of 1 s: forgotten, no match; key 1's order
        // was written again at 500 (its first match), so it is still there.
        assertEquals(List.of(row(1, 1L, "a", 1L, "y")), run(1_200, List.of(), List.of(row(2L, "y"), row(1L, "y"))));
        // Key 3 was not read since batch 0: it stays until a sweep reads every entry.
        assertEquals(3, entries(), "keys 1 (both sides), 2 (the new right row) and 3: " + entries());
        while (batch < StreamJoinOperator.TTL_SWEEP_BATCHES) {
            assertEquals(List.of(), run(1_300, List.of(), List.of()));
        }
        // The sweep at t = 5000: every row is past the TTL.
        assertEquals(List.of(), run(5_000, List.of(), List.of()));
        assertEquals(0, entries());
    }

    @Test
    void aReRunBatchDoesTheSameWorkWhateverTheClockSays() {
        run(0, List.of(row(1L, "a")), List.of());
        // The batch runs once and crashes before its commit (its state aborted); re-run with its logged time, it
        // does the same work again, however late the re-run is.
        StateStore first = provider.getStore(0);
        List<List<Object>> changes = new ArrayList<>();
        try (StreamJoinOperator op = factory.create(new OperatorContext(1, Long.MIN_VALUE, allocator, Optional.of(first),
                900))) {
            op.add(1, ChangeBatch.inserts(VectorValues.toBatch(RIGHT, List.of(row(1L, "x")), allocator)));
            op.finish().forEach(c -> {
                changes.add(List.of(c.rowCount()));
                c.close();
            });
        }
        first.abort();
        assertEquals(List.of(List.of(2)), changes, "the pair and the deleted null-padded row");
        assertEquals(List.of(row(1, 1L, "a", 1L, "x"), row(-1, 1L, "a", null, null)),
                run(900, List.of(), List.of(row(1L, "x"))));
    }

    @Test
    void joinKeysOfDifferentTypesAreRefusedWhenThePlanIsBuilt() {
        RowSchema right = RowSchema.of(Column.of("k", ColumnType.INTEGER), Column.of("r", ColumnType.VARCHAR));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new StreamJoinOperator.Factory(
                JoinType.INNER, LEFT, right, List.of(0), List.of(0), Optional.empty(), Optional.of(1_000L), false, OUT));
        assertTrue(e.getMessage().contains("needs join keys of one type: k is BIGINT, k is INTEGER"), e.getMessage());
    }

    @Test
    void anIntervalJoinReadsRowsStoredFromJavaValuesAndEvictsByTheWatermark() {
        RowSchema left = RowSchema.of(Column.of("k", ColumnType.BIGINT), Column.of("l", ColumnType.VARCHAR),
                Column.of("ts", ColumnType.TIMESTAMP));
        RowSchema right = RowSchema.of(Column.of("k", ColumnType.BIGINT), Column.of("r", ColumnType.VARCHAR),
                Column.of("ts", ColumnType.TIMESTAMP));
        RowSchema out = RowSchema.of(Column.of("k", ColumnType.BIGINT), Column.of("l", ColumnType.VARCHAR),
                Column.of("ts", ColumnType.TIMESTAMP), Column.of("k0", ColumnType.BIGINT), Column.of("r", ColumnType.VARCHAR),
                Column.of("ts0", ColumnType.TIMESTAMP));
        // left.ts BETWEEN right.ts - 1 s AND right.ts + 1 s
        StreamJoinOperator.Factory interval = new StreamJoinOperator.Factory(JoinType.INNER, left, right, List.of(0),
                List.of(0), Optional.of(dev.sluice.execution.plan.IntervalBound.between(2, 2, -1_000, 1_000)),
                Optional.empty(), false, out);
        StateSpec spec = interval.state("join-2").orElseThrow();
        StateStoreProvider state = StateStoreProvider.open(FileSystemLocation.of(checkpoint.toString()), "join-2",
                spec.keySchema(), spec.valueSchema());
        // Batch 0's left row as the boxed operator stored it: (side, batch, position) -> the columns of both sides.
        StateStore store = state.getStore(-1);
        store.put(new dev.sluice.execution.state.ByteArrayWriter().writeInt(0).writeLong(0).writeInt(0).toByteArray(),
                dev.sluice.execution.state.RowCodec.encode(row(1L, "a", VectorValues.toLocalDateTime(5_000), null, null,
                        null), spec.valueSchema()));
        store.commit(0);
        List<List<Object>> pairs = new ArrayList<>();
        store = state.getStore(0);
        try (StreamJoinOperator op = interval.create(new OperatorContext(1, Long.MIN_VALUE, allocator, Optional.of(store), 0))) {
            op.add(1, ChangeBatch.inserts(VectorValues.toBatch(right, List.of(row(1L, "x", VectorValues.toLocalDateTime(5_500)),
                    row(1L, "y", VectorValues.toLocalDateTime(9_000)), row(2L, "z", VectorValues.toLocalDateTime(5_000))),
                    allocator)));
            op.finish().forEach(c -> {
                pairs.addAll(VectorValues.rows(c.rows()));
                c.close();
            });
        }
        store.commit(1);
        assertEquals(List.of(row(1L, "a", VectorValues.toLocalDateTime(5_000), 1L, "x", VectorValues.toLocalDateTime(5_500))),
                pairs, "y is 4 s after a, z has another key");
        // Watermark 7 s: a (5 s, matches right rows up to 6 s), x (5.5 s) and z (5 s, match left rows up to 6.5 s)
        // can meet no more rows; y (9 s) stays.
        store = state.getStore(1);
        assertEquals(4, store.size(), "a, and x, y, z: no watermark yet");
        try (StreamJoinOperator op = interval.create(new OperatorContext(2, 7_000, allocator, Optional.of(store), 0))) {
            assertEquals(List.of(), op.finish());
        }
        store.commit(2);
        store = state.getStore(2);
        assertEquals(1, store.size());
        StateEntry kept = store.iterator().next();
        assertEquals(row(null, null, null, 1L, "y", VectorValues.toLocalDateTime(9_000)),
                dev.sluice.execution.state.RowCodec.decode(kept.value(), spec.valueSchema()));
        store.abort();
    }
}
