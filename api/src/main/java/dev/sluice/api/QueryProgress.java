package dev.sluice.api;

import java.time.Instant;
import java.util.Map;

/**
 * What one micro-batch did.
 *
 * @param queryName the query's name
 * @param batchId the batch
 * @param timestamp when the batch started
 * @param startOffsets per source table, per partition ("topic-partition"), the first offset read
 * @param endOffsets likewise, the offset after the last one read
 * @param inputRows records read
 * @param outputRows rows handed to the sink
 * @param malformedRows records skipped because they could not be decoded
 * @param durationMillis time per phase ("planOffsets", "offsetLog", "process", "sink", "commit", "total")
 * @param inputRowsPerSecond input rows over the batch's wall-clock time
 */
public record QueryProgress(String queryName, long batchId, Instant timestamp,
                            Map<String, Map<String, Long>> startOffsets,
                            Map<String, Map<String, Long>> endOffsets,
                            long inputRows, long outputRows, long malformedRows,
                            Map<String, Long> durationMillis, double inputRowsPerSecond) {
    public QueryProgress {
        startOffsets = Map.copyOf(startOffsets);
        endOffsets = Map.copyOf(endOffsets);
        durationMillis = Map.copyOf(durationMillis);
    }
}
