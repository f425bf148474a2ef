package dev.sluice.execution.checkpoint;

import dev.sluice.execution.fs.FileSystemLocation;
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
