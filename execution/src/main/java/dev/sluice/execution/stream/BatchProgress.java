package dev.sluice.execution.stream;

import java.time.Instant;
import java.util.Map;

/**
 * What one micro-batch did; the engine-side record behind the api's query progress.
 *
 * @param startOffsets per source table, per partition ("topic-partition"), the first offset read
 * @param endOffsets per source table, per partition, the offset after the last one read
 * @param durationMillis time per phase: planOffsets, offsetLog, process, sink, commit, total
 */
public record BatchProgress(String queryName, long batchId, Instant timestamp,
                            Map<String, Map<String, Long>> startOffsets,
                            Map<String, Map<String, Long>> endOffsets,
                            long inputRows, long outputRows, long malformedRows,
                            Map<String, Long> durationMillis) {
    public BatchProgress {
        startOffsets = Map.copyOf(startOffsets);
        endOffsets = Map.copyOf(endOffsets);
        durationMillis = Map.copyOf(durationMillis);
    }

    /** Input rows per second of the batch's wall-clock time. */
    public double inputRowsPerSecond() {
        long total = durationMillis.getOrDefault("total", 0L);
        return total <= 0 ? inputRows * 1000.0 : inputRows * 1000.0 / total;
    }
}
