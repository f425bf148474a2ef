package dev.sluice.execution.checkpoint;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The commit-log entry of a micro-batch: written once the sink has durably taken the batch, with the
 * watermark after it (the next batch's), {@link BatchOffsets#NO_WATERMARK} if none, and per watermarked
 * table the largest event time read so far from each partition that had any.
 *
 * <p>The watermark depends on those per-partition maxima, not only on the batch's own rows; without them a
 * restarted query would compute the next watermarks from what it reads after the restart only, and drop
 * other rows as late than a query that never stopped.
 *
 * @param maxEventTimes per watermarked source table, the largest event time of each partition as of this
 *     batch (in partition order); empty in entries written before Sluice kept them (then the maxima start
 *     afresh, as they did then)
 */
public record CommitRecord(long batchId, long timestampMillis, long outputRows, long watermarkMillis,
                           Map<String, List<PartitionEventTime>> maxEventTimes) {
    public CommitRecord {
        Map<String, List<PartitionEventTime>> copy = new TreeMap<>();
        if (maxEventTimes != null) {  // absent from entries of older versions
            maxEventTimes.forEach((table, times) -> copy.put(table, List.copyOf(times)));
        }
        maxEventTimes = Map.copyOf(copy);
    }

    public CommitRecord(long batchId, long timestampMillis, long outputRows, long watermarkMillis) {
        this(batchId, timestampMillis, outputRows, watermarkMillis, Map.of());
    }

    public CommitRecord(long batchId, long timestampMillis, long outputRows) {
        this(batchId, timestampMillis, outputRows, BatchOffsets.NO_WATERMARK);
    }
}
