package dev.sluice.execution.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.execution.source.OffsetRange;
import dev.sluice.execution.source.SourcePartition;
import dev.sluice.execution.testing.MiniHdfs;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The checkpoint on a real (in-JVM) HDFS: hdfs:// URIs, atomic rename, no overwrite. */
class HdfsCheckpointIT {
    @RegisterExtension
    static final MiniHdfs HDFS = new MiniHdfs();

    @Test
    void logsAndRecoveryOnHdfs() {
        String uri = HDFS.uri("/sluice/checkpoints/q1");
        Checkpoint cp = Checkpoint.open(uri);
        assertEquals("hdfs", cp.root().toUri().getScheme());
        BatchOffsets batch0 = new BatchOffsets(0, 1L, Map.of("t",
                List.of(new OffsetRange(new SourcePartition("t", 0), 0, 5))));
        assertTrue(cp.offsetLog().add(0, batch0));
        assertFalse(cp.offsetLog().add(0, batch0), "an entry is never overwritten");
        assertEquals(Optional.of(batch0), Checkpoint.open(uri).pendingBatch());
        // A pending entry adjusted for data loss replaces the logged one (HDFS's rename does not overwrite).
        BatchOffsets adjusted = new BatchOffsets(0, 1L, Map.of("t",
                List.of(new OffsetRange(new SourcePartition("t", 0), 3, 5))));
        cp.offsetLog().replace(0, adjusted);
        assertEquals(Optional.of(adjusted), Checkpoint.open(uri).pendingBatch());
        cp.offsetLog().replace(0, batch0);
        assertEquals(List.of(0L), cp.offsetLog().batchIds());
        cp.commitLog().add(0, new CommitRecord(0, 2L, 5));
        Checkpoint reopened = Checkpoint.open(uri);
        assertEquals(Optional.empty(), reopened.pendingBatch());
        assertEquals(Optional.of(0L), reopened.lastCommittedBatch());
    }
}
