package dev.sluice.execution.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.execution.fs.FileSystemLocation;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.RowSchema;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateStoreProviderTest {
    static final RowSchema KEYS = RowSchema.of(Column.of("country", ColumnType.VARCHAR));
    static final RowSchema VALUES = RowSchema.of(Column.of("clicks", ColumnType.BIGINT));

    @TempDir
    Path dir;
    private FileSystemLocation checkpoint;

    @BeforeEach
    void location() {
        checkpoint = FileSystemLocation.of(dir.toString());
    }

    private StateStoreProvider open(StateStoreOptions options) {
        return StateStoreProvider.open(checkpoint, "agg-1", KEYS, VALUES, options);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The store's content as text, sorted by key. */
    static Map<String, String> contents(StateStore store) {
        Map<String, String> result = new TreeMap<>();
        for (Iterator<StateEntry> it = store.iterator(); it.hasNext(); ) {
            StateEntry e = it.next();
            result.put(new String(e.key(), StandardCharsets.UTF_8), new String(e.value(), StandardCharsets.UTF_8));
        }
        return result;
    }

    /** The changes of batch {@code v} in {@link #writeVersions}: deterministic puts and removes. */
    static void applyBatch(StateStore store, Map<String, String> expected, long v) {
        for (int k = 0; k < 6; k++) {
            String key = "k" + ((v * 7 + k * 3) % 15);
            if ((v + k) % 4 == 0) {
                store.remove(bytes(key));
                expected.remove(key);
            } else {
                String value = "v" + v + "." + k;
                store.put(bytes(key), bytes(value));
                expected.put(key, value);
            }
        }
    }

    /** Commits versions 0..last, returning the expected content of each. */
    static List<Map<String, String>> writeVersions(StateStoreProvider provider, int last) {
        List<Map<String, String>> expected = new ArrayList<>();
        Map<String, String> current = new TreeMap<>();
        for (long v = 0; v <= last; v++) {
            StateStore store = provider.getStore(v - 1);
            assertEquals(current, contents(store));
            applyBatch(store, current, v);
            store.commit(v);
            expected.add(new TreeMap<>(current));
        }
        return expected;
    }

    private TreeSet<String> stateFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("state").resolve("agg-1"))) {
            return files.map(p -> p.getFileName().toString()).collect(TreeSet::new, TreeSet::add, TreeSet::addAll);
        }
    }

    @Test
    void putGetRemoveCommitAndReopen() {
        StateStoreProvider provider = open(StateStoreOptions.DEFAULT);
        StateStore store = provider.getStore(StateStore.EMPTY_VERSION);
        assertNull(store.get(bytes("fr")));
        store.put(bytes("fr"), bytes("1"));
        store.put(bytes("de"), bytes("2"));
        store.put(bytes("fr"), bytes("3"));
        store.put(bytes("us"), bytes("4"));
        store.remove(bytes("us"));
        store.remove(bytes("nowhere"));
        assertArrayEquals(bytes("3"), store.get(bytes("fr")));
        store.commit(0);
        assertThrows(IllegalStateException.class, () -> store.get(bytes("fr")));
        StateStoreMetrics metrics = store.metrics();
        assertEquals(new StateStoreMetrics(0, 2, 2 + 1 + 2 + 1 + 2L * StateStoreProvider.ENTRY_OVERHEAD_BYTES), metrics);

        StateStore reopened = open(StateStoreOptions.DEFAULT).getStore(0);
        assertEquals(Map.of("de", "2", "fr", "3"), contents(reopened));
        assertEquals(metrics.bytesEstimate(), reopened.metrics().bytesEstimate());
    }

    @Test
    void filesStartWithTheirFormatVersion() throws IOException {
        StateStoreProvider provider = open(new StateStoreOptions(1, 20));
        StateStore store = provider.getStore(StateStore.EMPTY_VERSION);
        store.put(bytes("fr"), bytes("1"));
        store.commit(0);
        assertEquals(new TreeSet<>(List.of("0.delta", "0.snapshot", "schema")), stateFiles());
        for (String name : List.of("0.delta", "0.snapshot", "schema")) {
            List<String> lines = Files.readAllLines(dir.resolve("state/agg-1/" + name), StandardCharsets.ISO_8859_1);
            assertEquals("v1", lines.get(0), name);
            assertTrue(lines.get(1).startsWith("{"), name);
        }
    }

    @Test
    void garbledStateFilesAreNamedWithoutTheirBytes() throws IOException {
        StateStoreProvider provider = open(StateStoreOptions.DEFAULT);
        StateStore store = provider.getStore(StateStore.EMPTY_VERSION);
        store.put(bytes("fr"), bytes("1"));
        store.commit(0);
        Path delta = dir.resolve("state/agg-1/0.delta");
        byte[] good = Files.readAllBytes(delta);
        String garbage = "x".repeat(300);

        Files.write(delta, bytes("v1\n{\"operatorId\": " + garbage + "\n"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> open(StateStoreOptions.DEFAULT).getStore(0));
        assertTrue(e.getMessage().matches("State file \\S+/state/agg-1/0.delta is not valid JSON at line 2, column \\d+"
                + " \\(garbled\\?\\)"), e.getMessage());

        byte[] binary = good.clone();
        binary[0] = 0;
        Files.write(delta, binary);
        e = assertThrows(IllegalStateException.class, () -> open(StateStoreOptions.DEFAULT).getStore(0));
        assertTrue(e.getMessage().matches("State file \\S+/state/agg-1/0.delta does not start with the version line"
                + " 'v1': its first line is 2 characters, not all of them text \\(garbled, or not a checkpoint file\\?\\)"),
                e.getMessage());

        Path schema = dir.resolve("state/agg-1/schema");
        Files.write(schema, bytes("v1\n{\"keySchema\": [\"country VARCHAR\"], \"valueSchema\": " + garbage));
        e = assertThrows(IllegalStateException.class, () -> open(StateStoreOptions.DEFAULT));
        assertTrue(e.getMessage().matches("State schema file \\S+/state/agg-1/schema is not valid JSON at line 2,"
                + " column \\d+ \\(garbled\\?\\)"), e.getMessage());
    }

    @Test
    void restoresEveryVersionFromSnapshotPlusDeltas() throws IOException {
        List<Map<String, String>> expected = writeVersions(open(new StateStoreOptions(3, 100)), 12);
        assertTrue(stateFiles().containsAll(List.of("2.snapshot", "5.snapshot", "8.snapshot", "11.snapshot")),
                stateFiles().toString());
        assertEquals(4, stateFiles().stream().filter(n -> n.endsWith(".snapshot")).count());
        // A fresh provider per restore (as after a restart), in an order that is not the write order.
        for (int v : new int[] {7, 0, 12, 2, 3, 11, 1, 4, 5, 6, 8, 9, 10}) {
            StateStore store = open(new StateStoreOptions(3, 100)).getStore(v);
            assertEquals(expected.get(v), contents(store), "version " + v);
            store.abort();
        }
        // And one provider moving backwards and forwards between versions.
        StateStoreProvider provider = open(new StateStoreOptions(3, 100));
        for (int v : new int[] {12, 4, 9, 9, 0}) {
            StateStore store = provider.getStore(v);
            assertEquals(expected.get(v), contents(store), "version " + v);
            store.abort();
        }
    }

    @Test
    void abortUndoesEveryChange() {
        StateStoreProvider provider = open(StateStoreOptions.DEFAULT);
        List<Map<String, String>> expected = writeVersions(provider, 2);
        StateStore store = provider.getStore(2);
        long bytesBefore = store.metrics().bytesEstimate();
        store.put(bytes("new"), bytes("x"));
        store.put(bytes("k0"), bytes("changed"));
        expected.get(2).keySet().forEach(k -> store.remove(bytes(k)));
        store.abort();
        assertEquals(new StateStoreMetrics(2, expected.get(2).size(), bytesBefore), store.metrics());
        StateStore again = provider.getStore(2);
        assertEquals(expected.get(2), contents(again));
        assertThrows(IllegalStateException.class, () -> provider.getStore(2), "one open store at a time");
        again.commit(3);
        assertEquals(expected.get(2), contents(open(StateStoreOptions.DEFAULT).getStore(3)), "an empty delta");
    }

    @Test
    void ignoresAndReplacesFilesOfABatchThatDidNotCommit() throws IOException {
        StateStoreOptions options = new StateStoreOptions(3, 100);
        List<Map<String, String>> expected = writeVersions(open(options), 4);
        // The crashed run: batch 5 wrote its delta and snapshot (interval 3), then batch 6 its delta, but the
        // query's commit log says 4 (the state store commits before the sink takes the batch).
        StateStoreProvider crashed = open(options);
        StateStore doomed = crashed.getStore(4);
        doomed.put(bytes("ghost"), bytes("boo"));
        doomed.remove(bytes(expected.get(4).keySet().iterator().next()));
        doomed.commit(5);
        StateStore doomed6 = crashed.getStore(5);
        doomed6.put(bytes("ghost6"), bytes("boo"));
        doomed6.commit(6);
        Files.writeString(dir.resolve("state/agg-1/.7.delta.1234.tmp"), "half a file");
        assertTrue(stateFiles().containsAll(List.of("5.delta", "5.snapshot", "6.delta")));

        StateStoreProvider restarted = open(options);
        StateStore store = restarted.getStore(4);
        assertEquals(expected.get(4), contents(store), "leftovers of versions 5 and 6 are ignored");
        Map<String, String> rerun = new TreeMap<>(expected.get(4));
        applyBatch(store, rerun, 5);
        store.commit(5);
        Map<String, String> expected5 = new TreeMap<>(rerun);
        assertTrue(!stateFiles().contains("6.delta"), "the other history's version 6 is deleted");
        StateStore next = restarted.getStore(5);
        applyBatch(next, rerun, 6);
        next.commit(6);
        Map<String, String> expected6 = new TreeMap<>(rerun);
        for (int v = 5; v <= 6; v++) {
            StateStore check = open(options).getStore(v);
            assertEquals(v == 5 ? expected5 : expected6, contents(check), "version " + v);
        }
    }

    @Test
    void deletesFilesOnlyOlderVersionsNeed() throws IOException {
        StateStoreOptions options = new StateStoreOptions(2, 4);
        List<Map<String, String>> expected = writeVersions(open(options), 11);
        // Versions 8..11 stay restorable: the snapshot at 7 and the deltas from 7 on.
        assertEquals(new TreeSet<>(List.of("7.delta", "7.snapshot", "8.delta", "9.delta", "9.snapshot",
                "10.delta", "11.delta", "11.snapshot", "schema")), stateFiles());
        for (int v = 7; v <= 11; v++) {
            StateStore store = open(options).getStore(v);
            assertEquals(expected.get(v), contents(store), "version " + v);
        }
        IllegalStateException gone = assertThrows(IllegalStateException.class, () -> open(options).getStore(5));
        assertTrue(gone.getMessage().contains("No state of version 5 for operator 'agg-1'"), gone.getMessage());
    }

    @Test
    void refusesAnotherSchemaNamingBoth() {
        open(StateStoreOptions.DEFAULT).getStore(StateStore.EMPTY_VERSION).commit(0);
        RowSchema otherValues = RowSchema.of(Column.of("clicks", ColumnType.BIGINT), Column.of("total", ColumnType.DOUBLE));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> StateStoreProvider.open(checkpoint, "agg-1", KEYS, otherValues));
        assertTrue(e.getMessage().contains("operator 'agg-1'"), e.getMessage());
        assertTrue(e.getMessage().contains("written for key (country VARCHAR), value (clicks BIGINT)"), e.getMessage());
        assertTrue(e.getMessage().contains("now needs key (country VARCHAR), value (clicks BIGINT, total DOUBLE)"),
                e.getMessage());
        // Another operator id is another directory, so a second stateful operator is unaffected.
        assertEquals(0, StateStoreProvider.open(checkpoint, "agg-2", KEYS, otherValues).getStore(-1).size());
    }

    @Test
    void rejectsBadVersionsAndIds() {
        StateStoreProvider provider = open(StateStoreOptions.DEFAULT);
        IllegalStateException missing = assertThrows(IllegalStateException.class, () -> provider.getStore(3));
        assertEquals("No state of version 3 for operator 'agg-1' in " + provider.directory()
                + " (versions on file: none)", missing.getMessage());
        StateStore store = provider.getStore(StateStore.EMPTY_VERSION);
        assertThrows(IllegalArgumentException.class, () -> store.commit(-1));
        store.abort();
        assertThrows(IllegalArgumentException.class,
                () -> StateStoreProvider.open(checkpoint, "../x", KEYS, VALUES));
    }

    @Test
    void keyGroupRangesSplitTheStateAndRefuseOtherKeys() {
        // Snapshots every 3 versions: versions 0..7 give snapshots and deltas to read back.
        List<Map<String, String>> expected = writeVersions(open(new StateStoreOptions(3, 100)), 7);
        Map<String, String> all = expected.get(7);
        Map<String, String> union = new TreeMap<>();
        for (int part = 0; part < 2; part++) {
            KeyGroups.Range range = KeyGroups.Range.split(2, part);
            StateStoreProvider half = StateStoreProvider.open(checkpoint, "agg-1", KEYS, VALUES,
                    new StateStoreOptions(3, 100), range);
            StateStore store = half.getStore(7);
            Map<String, String> mine = contents(store);
            for (String key : mine.keySet()) {
                assertTrue(range.contains(bytes(key)), key + " is in " + range);
                assertTrue(union.put(key, mine.get(key)) == null, key + " held by both halves");
            }
            String other = all.keySet().stream().filter(k -> !range.contains(bytes(k))).findFirst().orElseThrow();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> store.put(bytes(other), bytes("x")));
            assertTrue(e.getMessage().contains("holds " + range), e.getMessage());
            store.abort();
        }
        assertEquals(all, union, "the halves hold every key once");
        assertEquals(KeyGroups.of(bytes("k1")), KeyGroups.of(bytes("k1")));
        assertTrue(all.size() > 5 && union.size() == all.size());
    }
}
