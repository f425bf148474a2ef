package dev.sluice.execution.operator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.execution.changelog.ChangeBatch;
import dev.sluice.execution.fs.FileSystemLocation;
import dev.sluice.execution.source.StreamSource;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The normalize step over an upsert table, batch by batch: per key the batch touched, its stored row taken back
 * and its last record's row emitted (nothing for the same row again), and its state, which keeps the rows as
 * the row encoding writes them (so rows stored by an earlier release, from Java values, are read as is).
 */
class ChangelogNormalizeOperatorTest extends ArrowTestBase {
    private static final RowSchema INPUT = RowSchema.of(Column.of("k", ColumnType.BIGINT),
            Column.of("v", ColumnType.VARCHAR), Column.of("d", ColumnType.DOUBLE),
            Column.of(StreamSource.DELETED_COLUMN, ColumnType.BOOLEAN));

    @TempDir
    Path checkpoint;

    private static List<Object> row(Object... values) {
        return Arrays.asList(values);
    }

    private static ChangelogNormalizeOperator.Factory factory() {
        return new ChangelogNormalizeOperator.Factory("t", INPUT, List.of(0), 3, false);
    }

    private StateStore store(ChangelogNormalizeOperator.Factory factory) {
        StateSpec spec = factory.state("normalize").orElseThrow();
        return StateStoreProvider.open(FileSystemLocation.of(checkpoint.toString()), "normalize", spec.keySchema(),
                spec.valueSchema()).getStore(-1);
    }

    /** Runs a batch over {@code batches} (each added in turn): its changes, each row with its weight first. */
    @SafeVarargs
    private List<List<Object>> run(ChangelogNormalizeOperator.Factory factory, StateStore store,
                                   List<List<Object>>... batches) {
        List<List<Object>> changes = new ArrayList<>();
        try (ChangelogNormalizeOperator op = factory.create(
                new OperatorContext(0, Long.MIN_VALUE, allocator, Optional.of(store), 0))) {
            for (List<List<Object>> rows : batches) {
                op.add(0, ChangeBatch.inserts(VectorValues.toBatch(INPUT, rows, allocator)));
            }
            changes.addAll(TestBatches.weightedRows(op.finish()));
        }
        return changes;
    }

    @Test
    void eachKeysStoredRowIsReplacedByItsLastRecord() {
        ChangelogNormalizeOperator.Factory factory = factory();
        RowSchema key = factory.stateKeySchema();
        RowSchema value = factory.stateValueSchema();
        StateStore store = store(factory);
        // The rows as the boxed operator stored them.
        Map<Long, List<Object>> reference = new LinkedHashMap<>();
        reference.put(1L, row(1L, "a", 1.5));
        reference.put(4L, row(4L, "x", null));
        reference.put(5L, row(5L, "old", 2.0));
        reference.forEach((k, v) -> store.put(RowCodec.encode(row(k), key), RowCodec.encode(v, value)));
        List<List<Object>> first = List.of(row(1L, "a", 1.5, false), row(2L, "b", null, false),
                row(3L, "c", 3.0, false), row(3L, null, null, true));
        List<List<Object>> second = List.of(row(4L, null, null, true), row(5L, "mid", 0.0, false),
                row(5L, "new", -0.0, false), row(2L, "b2", null, null), row(6L, null, null, true));

        List<List<Object>> changes = run(factory, store, first, second);

        // Reference, in plain Java: per key in order of its first record, its last record against the stored row.
        Map<Long, List<Object>> last = new LinkedHashMap<>();
        for (List<Object> r : concat(first, second)) {
            last.put((Long) r.get(0), Boolean.TRUE.equals(r.get(3)) ? null : r.subList(0, 3));
        }
        List<List<Object>> expected = new ArrayList<>();
        last.forEach((k, now) -> {
            List<Object> old = reference.get(k);
            if (old != null && old.equals(now)) {
                return;
            }
            if (old != null) {
                expected.add(weighted(-1, old));
            }
            if (now != null) {
                expected.add(weighted(1, now));
                reference.put(k, now);
            } else {
                reference.remove(k);
            }
        });
        assertEquals(expected, changes);
        assertEquals(List.of(row(1, 2L, "b2", null), row(-1, 4L, "x", null), row(-1, 5L, "old", 2.0),
                row(1, 5L, "new", -0.0)), changes);
        // The state: the same bytes the boxed operator wrote for the reference's rows, nothing else.
        for (long k = 1; k <= 6; k++) {
            byte[] stored = store.get(RowCodec.encode(row(k), key));
            List<Object> now = reference.get(k);
            if (now == null) {
                assertNull(stored, "key " + k);
            } else {
                assertArrayEquals(RowCodec.encode(now, value), stored, "key " + k);
            }
        }
        store.abort();
    }

    @Test
    void aRecordWithANullKeyIsRefusedNamingTheTable() {
        ChangelogNormalizeOperator.Factory factory = factory();
        StateStore store = store(factory);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> run(factory, store, List.of(row(null, "a", 1.0, false))));
        assertTrue(e.getMessage().contains("table t has a NULL key [null]"), e.getMessage());
        store.abort();
    }

    private static List<List<Object>> concat(List<List<Object>> a, List<List<Object>> b) {
        List<List<Object>> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static List<Object> weighted(int weight, List<Object> row) {
        List<Object> change = new ArrayList<>();
        change.add(weight);
        change.addAll(row);
        return change;
    }
}
