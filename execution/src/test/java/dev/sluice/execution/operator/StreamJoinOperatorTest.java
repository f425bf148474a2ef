package dev.sluice.execution.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.execution.changelog.ChangeBatch;
import dev.sluice.execution.fs.FileSystemLocation;
import dev.sluice.execution.plan.JoinType;
import dev.sluice.execution.state.StateSpec;
import dev.sluice.execution.state.StateStore;
import dev.sluice.execution.state.StateStoreProvider;
import dev.sluice.execution.testing.ArrowTestBase;
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
            for (ChangeBatch out : op.finish()) {
                try (out) {
                    List<List<Object>> rows = VectorValues.rows(out.rows());
                    for (int i = 0; i < rows.size(); i++) {
                        List<Object> change = new ArrayList<>();
                        change.add(out.weight(i));
                        change.addAll(rows.get(i));
                        changes.add(change);
                    }
                }
            }
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
}
