package dev.sluice.execution.checkpoint;

import dev.sluice.execution.fs.FileSystemLocation;
import dev.sluice.execution.source.OffsetRange;
import dev.sluice.execution.source.SourcePartition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A query's checkpoint directory on any Hadoop {@link FileSystem} ({@code file://}, {@code hdfs://}, or a
 * plain local path): {@code metadata}, {@code offsets/<batchId>}, {@code commits/<batchId>}, and later
 * {@code state/}. The format is described in docs/checkpoint-format.md.
 */
public final class Checkpoint {
    private final FileSystem fs;
    private final Path root;
    private final OffsetLog offsetLog;
    private final CommitLog commitLog;

    private Checkpoint(FileSystem fs, Path root) {
        this.fs = fs;
        this.root = root;
        this.offsetLog = new OffsetLog(fs, new Path(root, "offsets"));
        this.commitLog = new CommitLog(fs, new Path(root, "commits"));
    }

    /**
     * Writes and reads back, in memory, one record of each kind a checkpoint holds (its metadata, a batch's offsets,
     * a commit), so that the JSON mapper's serializers for them, made on first use (130 classes), are ready before
     * a query's start writes its metadata and its first batch its offsets and commit. The engine's warm-up calls it;
     * it touches no file.
     */
    public static void prepareRecords() {
        SourcePartition partition = new SourcePartition("t", 0);
        try {
            VersionedJsonFile.roundTrip(new CheckpointMetadata("id", "name", "sql", "fingerprint", 0L));
            VersionedJsonFile.roundTrip(new BatchOffsets(0L, 0L, Map.of("t", List.of(new OffsetRange(partition, 0L, 1L))),
                    BatchOffsets.NO_WATERMARK, Map.of("t", Map.of("t", "id"))));
            VersionedJsonFile.roundTrip(new CommitRecord(0L, 0L, 0L, BatchOffsets.NO_WATERMARK,
                    Map.of("t", List.of(new PartitionEventTime(partition, 0L)))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Opens (creating if needed) the checkpoint at {@code location}, a URI or a local path. */
    public static Checkpoint open(String location) {
        FileSystemLocation root = FileSystemLocation.of(location).mkdirs();
        return new Checkpoint(root.fs(), root.path());
    }

    public Path root() {
        return root;
    }

    /** The checkpoint directory with its file system, e.g. for operator state under {@code state/}. */
    public FileSystemLocation location() {
        return new FileSystemLocation(fs, root);
    }

    public OffsetLog offsetLog() {
        return offsetLog;
    }

    public CommitLog commitLog() {
        return commitLog;
    }

    /** The last batch whose commit marker was written. */
    public Optional<Long> lastCommittedBatch() {
        OptionalLong id = commitLog.latestBatchId();
        return id.isPresent() ? Optional.of(id.getAsLong()) : Optional.empty();
    }

    /** The batch that was logged but not committed (the previous run stopped in between), if any. */
    public Optional<BatchOffsets> pendingBatch() {
        OptionalLong logged = offsetLog.latestBatchId();
        if (logged.isEmpty()) {
            return Optional.empty();
        }
        Optional<Long> committed = lastCommittedBatch();
        if (committed.isPresent() && committed.get() >= logged.getAsLong()) {
            return Optional.empty();
        }
        return offsetLog.get(logged.getAsLong());
    }

    /** Writes the metadata file unless it exists; returns the metadata in the file either way. */
    public CheckpointMetadata metadata(CheckpointMetadata ifAbsent) {
        Path file = new Path(root, "metadata");
        VersionedJsonFile.writeIfAbsent(fs, file, ifAbsent);
        return VersionedJsonFile.<CheckpointMetadata>read(fs, file,
                VersionedJsonFile.JSON.getTypeFactory().constructType(CheckpointMetadata.class)).orElseThrow();
    }
}
