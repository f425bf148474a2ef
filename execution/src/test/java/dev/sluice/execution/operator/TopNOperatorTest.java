package dev.sluice.execution.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sluice.execution.changelog.ChangeBatch;
import dev.sluice.execution.fs.FileSystemLocation;
import dev.sluice.execution.plan.SortKey;
import dev.sluice.execution.plan.TopNNode.RankFunction;
import dev.sluice.execution.state.RowCodec;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Top-N over a stream, batch by batch: the changes to each partition's top, and its state, which keeps the
 * rows as the row encoding writes them (so a top stored by an earlier release, from Java values, is read as is).
 */
class TopNOperatorTest extends ArrowTestBase {
    private static final RowSchema INPUT = RowSchema.of(Column.of("k", ColumnType.BIGINT), Column.of("v", ColumnType.BIGINT),
            Column.of("s", ColumnType.VARCHAR));
    private static final RowSchema OUT = RowSchema.of(Column.of("k", ColumnType.BIGINT), Column.of("v", ColumnType.BIGINT),
            Column.of("s", ColumnType.VARCHAR), Column.of("rn", ColumnType.BIGINT));
    private static final RowSchema KEY = RowSchema.of(Column.of("k", ColumnType.BIGINT));

    @TempDir
    Path checkpoint;

    private static List<Object> row(Object... values) {
        return Arrays.asList(values);
    }

    private StateStoreProvider provider(TopNOperator.Factory factory) {
        StateSpec spec = factory.state("topn").orElseThrow();
        return StateStoreProvider.open(FileSystemLocation.of(checkpoint.toString()), "topn", spec.keySchema(),
                spec.valueSchema());
    }

    /** Runs batch {@code batch} over {@code rows}: its changes, each row with its weight first. */
    private List<List<Object>> run(TopNOperator.Factory factory, StateStore store, long batch, List<List<Object>> rows) {
        List<List<Object>> changes = new ArrayList<>();
        try (TopNOperator op = factory.create(new OperatorContext(batch, Long.MIN_VALUE, allocator, Optional.of(store), 0))) {
            op.add(0, ChangeBatch.inserts(VectorValues.toBatch(INPUT, rows, allocator)));
            changes.addAll(TestBatches.weightedRows(op.finish()));
        }
        return changes;
    }

    @Test
    void aTopStoredAsJavaValuesIsUpdatedByTheBatchsRows() {
        TopNOperator.Factory factory = new TopNOperator.Factory(INPUT, List.of(0), List.of(new SortKey(1, true, false)),
                RankFunction.ROW_NUMBER, 2, false, OUT, "TopN");
        StateStoreProvider provider = provider(factory);
        StateStore store = provider.getStore(-1);
        // Partition 1's top as the boxed operator stored it.
        store.put(RowCodec.encode(row(1L), KEY), RowCodec.encodeRows(List.of(row(1L, 10L, "a"), row(1L, 5L, "b")), INPUT));
        store.commit(0);
        store = provider.getStore(0);
        List<List<Object>> changes = run(factory, store, 1, List.of(row(1L, 7L, "c"), row(1L, 3L, "d"), row(2L, 1L, "e"),
                row(2L, 2L, null), row(1L, 7L, "tie, after c")));
        assertEquals(List.of(row(-1, 1L, 5L, "b", 2L), row(1, 1L, 7L, "c", 2L), row(1, 2L, 2L, null, 1L),
                row(1, 2L, 1L, "e", 2L)), changes);
        assertEquals(List.of(row(1L, 10L, "a"), row(1L, 7L, "c")),
                RowCodec.decodeRows(store.get(RowCodec.encode(row(1L), KEY)), INPUT));
        assertEquals(List.of(row(2L, 2L, null), row(2L, 1L, "e")),
                RowCodec.decodeRows(store.get(RowCodec.encode(row(2L), KEY)), INPUT));
        store.commit(1);
    }

    @Test
    void ranksWithTiesKeepEveryRowWithinTheLimit() {
        for (RankFunction function : RankFunction.values()) {
            TopNOperator.Factory factory = new TopNOperator.Factory(INPUT, List.of(0), List.of(new SortKey(1, true, false)),
                    function, 2, false, OUT, "TopN");
            StateStore store = provider(factory).getStore(-1);
            List<List<Object>> in = List.of(row(1L, 10L, "a"), row(1L, 10L, "b"), row(1L, 9L, "c"), row(1L, 10L, "d"),
                    row(1L, 8L, "e"), row(1L, 9L, "f"));
            // Reference: sort (stable) by v descending, rank, keep ranks up to 2.
            List<List<Object>> sorted = new ArrayList<>(in);
            sorted.sort((x, y) -> Long.compare((Long) y.get(1), (Long) x.get(1)));
            List<List<Object>> expected = new ArrayList<>();
            long rank = 0;
            long dense = 0;
            for (int i = 0; i < sorted.size(); i++) {
                if (i == 0 || !sorted.get(i).get(1).equals(sorted.get(i - 1).get(1))) {
                    rank = i + 1;
                    dense++;
                }
                long r = switch (function) {
                    case ROW_NUMBER -> i + 1;
                    case RANK -> rank;
                    case DENSE_RANK -> dense;
                };
                if (r <= 2) {
                    List<Object> change = new ArrayList<>(List.of(1));
                    change.addAll(sorted.get(i));
                    change.add(r);
                    expected.add(change);
                }
            }
            assertEquals(expected, run(factory, store, 0, in), function.name());
            store.abort();
        }
    }
}
