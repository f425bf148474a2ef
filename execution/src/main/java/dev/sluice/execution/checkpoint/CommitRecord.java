package dev.sluice.execution.checkpoint;

/**
 * The commit-log entry of a micro-batch: written once the sink has durably taken the batch, with the
 * watermark after it (the next batch's), {@link BatchOffsets#NO_WATERMARK} if none.
 */
public record CommitRecord(long batchId, long timestampMillis, long outputRows, long watermarkMillis) {
    public CommitRecord(long batchId, long timestampMillis, long outputRows) {
        this(batchId, timestampMillis, outputRows, BatchOffsets.NO_WATERMARK);
    }
}
