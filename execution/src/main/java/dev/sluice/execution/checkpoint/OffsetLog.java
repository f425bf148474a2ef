package dev.sluice.execution.checkpoint;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Offsets of each batch, written before the batch runs ({@code <checkpoint>/offsets/<batchId>}). */
public final class OffsetLog extends MetadataLog<BatchOffsets> {
    OffsetLog(FileSystem fs, Path dir) {
        super(fs, dir, BatchOffsets.class);
    }

    /**
     * Replaces the entry of a batch that was logged but not committed, when its ranges had to be adjusted
     * before it could be re-run (offsets deleted meanwhile, with {@code failOnDataLoss = false}), so that
     * a later re-run reads the same offsets again. Never for a committed batch.
     */
    public void replace(long batchId, BatchOffsets offsets) {
        if (offsets.batchId() != batchId) {
            throw new IllegalArgumentException("Entry of batch " + offsets.batchId() + " can't replace batch " + batchId);
        }
        overwrite(batchId, offsets);
    }
}
