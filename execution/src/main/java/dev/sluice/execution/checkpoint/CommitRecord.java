package dev.sluice.execution.checkpoint;

/** The commit-log entry of a micro-batch: written once the sink has durably taken the batch. */
public record CommitRecord(long batchId, long timestampMillis, long outputRows) {
}
