package dev.sluice.execution.checkpoint;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.source.SourcePartition;

/**
 * The largest event time read so far from one partition of a watermarked table, kept in the commit log
 * ({@link CommitRecord#maxEventTimes()}) so that a restarted query computes the same watermarks as one
 * that never stopped.
 */
public record PartitionEventTime(SourcePartition partition, long maxEventTimeMillis) {
    public PartitionEventTime {
        requireNonNull(partition, "partition is null");
    }
}
