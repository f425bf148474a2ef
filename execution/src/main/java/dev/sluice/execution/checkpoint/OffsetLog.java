package dev.sluice.execution.checkpoint;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Offsets of each batch, written before the batch runs ({@code <checkpoint>/offsets/<batchId>}). */
public final class OffsetLog extends MetadataLog<BatchOffsets> {
    OffsetLog(FileSystem fs, Path dir) {
        super(fs, dir, BatchOffsets.class);
    }
}
