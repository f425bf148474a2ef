package dev.sluice.execution.checkpoint;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.execution.error.EngineException;
import dev.sluice.execution.error.ErrorType;
import dev.sluice.execution.source.OffsetRange;
import dev.sluice.execution.source.SourcePartition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
    @TempDir
    Path dir;

    private static BatchOffsets offsets(long batchId, long from, long until) {
        SourcePartition p0 = new SourcePartition("clicks", 0);
        SourcePartition p1 = new SourcePartition("clicks", 1);
        return new BatchOffsets(batchId, 1_700_000_000_000L + batchId, Map.of("clicks",
                List.of(new OffsetRange(p0, from, until), new OffsetRange(p1, 7, 7))));
    }

    @Test
    void offsetsRoundTripThroughTheVersionedFile() throws Exception {
        Checkpoint cp = Checkpoint.open(dir.toUri().toString());
        assertTrue(cp.offsetLog().add(0, offsets(0, 0, 10)));
        assertEquals(Optional.of(offsets(0, 0, 10)), cp.offsetLog().get(0));
        String text = Files.readString(dir.resolve("offsets").resolve("0"));
        assertTrue(text.startsWith("v1\n{\"batchId\":0,"), text);
        assertEquals(Map.of(new SourcePartition("clicks", 0), 10L, new SourcePartition("clicks", 1), 7L),
                cp.offsetLog().get(0).orElseThrow().endOffsets("clicks"));
        assertFalse(Files.list(dir.resolve("offsets")).anyMatch(p -> p.getFileName().toString().endsWith(".crc")));
    }

    @Test
    void anEntryIsNeverOverwritten() {
        Checkpoint cp = Checkpoint.open(dir.toString());
        assertTrue(cp.offsetLog().add(3, offsets(3, 0, 10)));
        assertFalse(cp.offsetLog().add(3, offsets(3, 0, 99)));
        assertEquals(10, cp.offsetLog().get(3).orElseThrow().sources().get("clicks").get(0).untilOffset());
    }

    @Test
    void topicIdsRoundTripAndEntriesWithoutThemStillRead() throws Exception {
        Checkpoint cp = Checkpoint.open(dir.toString());
        BatchOffsets withIds = new BatchOffsets(0, 5L, offsets(0, 0, 10).sources(), BatchOffsets.NO_WATERMARK,
                Map.of("clicks", Map.of("clicks", "AAAAAAAAAAAAAAAAAAAAAQ")));
        assertTrue(cp.offsetLog().add(0, withIds));
        assertEquals(Optional.of(withIds), cp.offsetLog().get(0));
        assertTrue(Files.readString(dir.resolve("offsets").resolve("0"))
                .contains("\"topicIds\":{\"clicks\":{\"clicks\":\"AAAAAAAAAAAAAAAAAAAAAQ\"}}"));
        // An entry written before Sluice kept topic ids.
        Files.writeString(dir.resolve("offsets").resolve("1"), "v1\n{\"batchId\":1,\"timestampMillis\":6,"
                + "\"sources\":{\"clicks\":[{\"partition\":{\"topic\":\"clicks\",\"partition\":0},"
                + "\"fromOffset\":10,\"untilOffset\":20}]},\"watermarkMillis\":-9223372036854775808}\n");
        BatchOffsets old = cp.offsetLog().get(1).orElseThrow();
        assertEquals(Map.of(), old.topicIds());
        assertEquals(20, old.sources().get("clicks").get(0).untilOffset());
    }

    @Test
    void maxEventTimesRoundTripAndCommitsWithoutThemStillRead() throws Exception {
        Checkpoint cp = Checkpoint.open(dir.toString());
        CommitRecord commit = new CommitRecord(0, 5L, 3, 1_700_000_007_000L, Map.of("clicks", List.of(
                new PartitionEventTime(new SourcePartition("clicks", 0), 1_700_000_012_000L),
                new PartitionEventTime(new SourcePartition("clicks", 1), 1_700_000_009_000L))));
        assertTrue(cp.commitLog().add(0, commit));
        assertEquals(Optional.of(commit), cp.commitLog().get(0));
        assertTrue(Files.readString(dir.resolve("commits").resolve("0")).contains("\"maxEventTimes\":{\"clicks\":["
                + "{\"partition\":{\"topic\":\"clicks\",\"partition\":0},\"maxEventTimeMillis\":1700000012000},"),
                Files.readString(dir.resolve("commits").resolve("0")));
        // An entry of an earlier version has no maxima: they start afresh.
        Files.writeString(dir.resolve("commits").resolve("1"), "v1\n{\"batchId\":1,\"timestampMillis\":6,"
                + "\"outputRows\":2,\"watermarkMillis\":1700000007000}\n");
        CommitRecord old = cp.commitLog().get(1).orElseThrow();
        assertEquals(Map.of(), old.maxEventTimes());
        assertEquals(1_700_000_007_000L, old.watermarkMillis());
    }

    @Test
    void aPendingEntryCanBeReplacedWithAdjustedRanges() {
        Checkpoint cp = Checkpoint.open(dir.toString());
        cp.offsetLog().add(4, offsets(4, 0, 10));
        cp.offsetLog().replace(4, offsets(4, 6, 10));
        assertEquals(Optional.of(offsets(4, 6, 10)), cp.offsetLog().get(4));
        assertEquals(List.of(4L), cp.offsetLog().batchIds(), "no temp file is left");
        assertThrows(IllegalArgumentException.class, () -> cp.offsetLog().replace(5, offsets(4, 6, 10)));
    }

    @Test
    void pendingBatchIsTheLoggedButUncommittedOne() {
        Checkpoint cp = Checkpoint.open(dir.toString());
        assertEquals(Optional.empty(), cp.pendingBatch());
        assertEquals(Optional.empty(), cp.lastCommittedBatch());
        cp.offsetLog().add(0, offsets(0, 0, 10));
        assertEquals(Optional.of(offsets(0, 0, 10)), cp.pendingBatch());
        cp.commitLog().add(0, new CommitRecord(0, 1L, 10));
        assertEquals(Optional.empty(), cp.pendingBatch());
        assertEquals(Optional.of(0L), cp.lastCommittedBatch());
        cp.offsetLog().add(1, offsets(1, 10, 20));
        assertEquals(1, cp.pendingBatch().orElseThrow().batchId());
        // A reopened checkpoint sees the same state.
        Checkpoint reopened = Checkpoint.open(dir.toString());
        assertEquals(1, reopened.pendingBatch().orElseThrow().batchId());
        assertEquals(Optional.of(new CommitRecord(0, 1L, 10)), reopened.commitLog().get(0));
    }

    @Test
    void purgeKeepsRecentEntriesAndTempFilesAreIgnored() throws Exception {
        Checkpoint cp = Checkpoint.open(dir.toString());
        for (long i = 0; i < 5; i++) {
            cp.offsetLog().add(i, offsets(i, i * 10, i * 10 + 10));
        }
        Files.writeString(dir.resolve("offsets").resolve(".5.1234.tmp"), "v1\n{half");
        cp.offsetLog().purgeBefore(3);
        assertEquals(List.of(3L, 4L), cp.offsetLog().batchIds());
        assertEquals(4, cp.offsetLog().latestBatchId().getAsLong());
    }

    @Test
    void unknownVersionAndCorruptFilesAreNamed() throws Exception {
        Checkpoint cp = Checkpoint.open(dir.toString());
        Files.writeString(dir.resolve("offsets").resolve("0"), "v9\n{}");
        EngineException e = assertThrows(EngineException.class, () -> cp.offsetLog().get(0));
        assertEquals(ErrorType.EXTERNAL, e.type(), "a file on storage Sluice can't read is not a bug");
        assertTrue(e.getMessage().contains("offsets/0 has version 'v9'"), e.getMessage());
        Files.writeString(dir.resolve("offsets").resolve("1"), "v1\n{\"batchId\": 1, \"sour");
        e = assertThrows(EngineException.class, () -> cp.offsetLog().get(1));
        assertTrue(e.getMessage().endsWith("offsets/1 is not valid JSON: it ends in the middle of a value at line 2,"
                + " column 21 (truncated?)"), e.getMessage());
    }

    @Test
    void brokenFilesAreDescribedWithoutTheirBytes() throws Exception {
        Checkpoint cp = Checkpoint.open(dir.toString());
        String garbage = "\u0001\u0002 garbled " + "x".repeat(400);
        assertBroken(cp, new byte[0], "offsets/0 is empty (truncated?)");
        assertBroken(cp, "v1\n".getBytes(UTF_8), "offsets/0 ends after its version line (truncated?)");
        assertBroken(cp, "v1\n{\"batchId\":0,\"timestampMillis\":1700000000000,\"sources\":{\"clicks\":[{".getBytes(UTF_8),
                "offsets/0 is not valid JSON: it ends in the middle of a value at line 2, column 68 (truncated?)");
        assertBroken(cp, ("v1\n{\"batchId\": 0, \"sources\": " + garbage + "}\n").getBytes(UTF_8),
                "offsets/0 is not valid JSON at line 2, column 28 (garbled?)");
        assertBroken(cp, garbage.getBytes(UTF_8), "offsets/0 does not start with the version line 'v1': its first"
                + " line is 411 characters, not all of them text (garbled, or not a checkpoint file?)");
        assertBroken(cp, "{\"batchId\": 0}\n".getBytes(UTF_8), "offsets/0 does not start with the version line"
                + " 'v1': its first line is 14 characters (garbled, or not a checkpoint file?)");
        byte[] zeros = new byte[64];
        System.arraycopy("v1\n{\"batchId\":".getBytes(UTF_8), 0, zeros, 0, 14);
        assertBroken(cp, zeros, "offsets/0 is not valid JSON at line 2, column 13: it holds zero bytes (a crash of"
                + " the machine or file system?)");
        assertBroken(cp, "v1\n{\"batchId\": \"seven\", \"sources\": {}}\n".getBytes(UTF_8),
                "offsets/0 is JSON but not a valid BatchOffsets (field 'batchId') at line 2, column 13: expected a long"
                + " there");
    }

    private void assertBroken(Checkpoint cp, byte[] content, String expectedEnd) throws Exception {
        Files.write(dir.resolve("offsets").resolve("0"), content);
        EngineException e = assertThrows(EngineException.class, () -> cp.offsetLog().get(0));
        assertTrue(e.getMessage().startsWith("Checkpoint file "), e.getMessage());
        assertTrue(e.getMessage().endsWith(expectedEnd), e.getMessage());
        assertFalse(e.getMessage().contains("xxx") || e.getMessage().contains("garbled x"), "no raw bytes: " + e.getMessage());
        assertTrue(e.getCause() == null, "no parser exception quoting the file");
    }

    @Test
    void metadataIsWrittenOnce() {
        Checkpoint cp = Checkpoint.open(dir.toString());
        CheckpointMetadata first = new CheckpointMetadata("id-1", "q", "SELECT 1", "none", 5L);
        assertEquals(first, cp.metadata(first));
        assertEquals(first, cp.metadata(new CheckpointMetadata("id-2", "q", "SELECT 2", "none", 6L)));
    }
}
