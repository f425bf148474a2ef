package dev.sluice.execution.source;

import static java.util.Objects.requireNonNull;

/** The records {@code [fromOffset, untilOffset)} of one source partition: the unit of work of a task. */
public record OffsetRange(SourcePartition partition, long fromOffset, long untilOffset) {
    public OffsetRange {
        requireNonNull(partition, "partition is null");
        if (fromOffset < 0 || untilOffset < fromOffset) {
            throw new IllegalArgumentException("Invalid offset range [" + fromOffset + ", " + untilOffset
                    + ") for " + partition);
        }
    }

    /** Number of offsets in the range (records, unless the topic is compacted or transactional). */
    public long size() {
        return untilOffset - fromOffset;
    }

    public boolean isEmpty() {
        return untilOffset == fromOffset;
    }
}
