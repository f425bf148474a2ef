package dev.sluice.execution.checkpoint;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Commit markers, written after the sink took a batch ({@code <checkpoint>/commits/<batchId>}). */
public final class CommitLog extends MetadataLog<CommitRecord> {
    CommitLog(FileSystem fs, Path dir) {
        super(fs, dir, CommitRecord.class);
    }
}
