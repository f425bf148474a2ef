package dev.sluice.execution.state;

import static dev.sluice.execution.state.StateStoreProviderTest.KEYS;
import static dev.sluice.execution.state.StateStoreProviderTest.VALUES;
import static dev.sluice.execution.state.StateStoreProviderTest.applyBatch;
import static dev.sluice.execution.state.StateStoreProviderTest.contents;
import static dev.sluice.execution.state.StateStoreProviderTest.writeVersions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.execution.fs.FileSystemLocation;
import dev.sluice.execution.testing.MiniHdfs;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The state store on a real (in-JVM) HDFS: restore from snapshot plus deltas, crash leftovers, cleanup. */
class HdfsStateStoreIT {
    @RegisterExtension
    static final MiniHdfs HDFS = new MiniHdfs();

    @Test
    void restoresCommittedVersionsOnHdfs() throws Exception {
        FileSystemLocation checkpoint = FileSystemLocation.of(
                HDFS.uri("/sluice/checkpoints/q1"));
        StateStoreOptions options = new StateStoreOptions(3, 5);
        List<Map<String, String>> expected = writeVersions(
                StateStoreProvider.open(checkpoint, "agg-1", KEYS, VALUES, options), 9);
        org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(checkpoint.path(), "state/agg-1");
        assertEquals("hdfs", dir.toUri().getScheme());
        assertFalse(checkpoint.fs().exists(new org.apache.hadoop.fs.Path(dir, "2.snapshot")), "cleaned up");
        assertTrue(checkpoint.fs().exists(new org.apache.hadoop.fs.Path(dir, "5.snapshot")));

        // A crashed batch 10 left its delta; the restart restores 9 and re-runs 10.
        StateStore doomed = StateStoreProvider.open(checkpoint, "agg-1", KEYS, VALUES, options).getStore(9);
        doomed.put(StateStoreProviderTest.bytes("ghost"), StateStoreProviderTest.bytes("boo"));
        doomed.commit(10);
        StateStoreProvider restarted = StateStoreProvider.open(checkpoint, "agg-1", KEYS, VALUES, options);
        for (int v = 5; v <= 9; v++) {
            StateStore store = restarted.getStore(v);
            assertEquals(expected.get(v), contents(store), "version " + v);
            store.abort();
        }
        StateStore store = restarted.getStore(9);
        Map<String, String> rerun = new TreeMap<>(expected.get(9));
        applyBatch(store, rerun, 10);
        store.commit(10);
        assertEquals(rerun, contents(StateStoreProvider.open(checkpoint, "agg-1", KEYS, VALUES, options).getStore(10)));
    }
}
