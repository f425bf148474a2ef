package dev.sluice.execution.stream;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What one micro-batch did; the engine-side record behind the api's query progress.
 *
 * @param startOffsets per source table, per partition ("topic-partition"), the first offset read
 * @param endOffsets per source table, per partition, the offset after the last one read
 * @param lag per source table, per partition, records left behind the batch's end when it was planned
 * @param inputRows records read (including malformed ones)
 * @param malformedRows records skipped because they could not be decoded
 * @param lateRows rows dropped for being behind the watermark (stateful queries; 0 otherwise)
 * @param watermarkMillis the watermark the batch ran with, or {@code Long.MIN_VALUE} if none
 * @param inputRowsPerSecond input rows over the time since the previous batch started
 * @param processedRowsPerSecond input rows over this batch's processing time
 * @param schedulingDelayMillis how late the batch started after its trigger was due
 * @param processingTimeMillis from planning offsets to commit
 * @param durationMillis time per phase: planOffsets, offsetLog, process, sink, commit
 * @param stateRows rows of operator state after the batch (GROUP BY groups), 0 for stateless queries
 * @param stateBytes estimated size of that state in bytes
 * @param rateLimit records per second backpressure allowed this batch, or -1 when not limited by it
 * @param dataLoss offsets skipped because they were deleted (failOnDataLoss = false)
 * @param stateOperators the state of each stateful operator after the batch (their sums are
 *     {@code stateRows} and {@code stateBytes}) and the late rows dropped for it, bottom-up
 */
public record BatchProgress(String queryName, long batchId, Instant timestamp,
                            Map<String, Map<String, Long>> startOffsets,
                            Map<String, Map<String, Long>> endOffsets,
                            Map<String, Map<String, Long>> lag,
                            long inputRows, long outputRows, long malformedRows, long lateRows, long watermarkMillis,
                            double inputRowsPerSecond, double processedRowsPerSecond,
                            long schedulingDelayMillis, long processingTimeMillis,
                            Map<String, Long> durationMillis, long stateRows, long stateBytes, double rateLimit,
                            List<String> dataLoss, List<OperatorState> stateOperators) {
    /**
     * The state one operator keeps: its id (its directory under {@code state/}), rows and estimated bytes; and
     * the rows dropped in the batch for being late for it (behind the watermark it closes windows or evicts by).
     */
    public record OperatorState(String operator, long rows, long bytes, long lateRows) {
        public OperatorState {
            java.util.Objects.requireNonNull(operator, "operator is null");
        }

        public OperatorState(String operator, long rows, long bytes) {
            this(operator, rows, bytes, 0);
        }
    }

    public BatchProgress {
        stateOperators = List.copyOf(stateOperators);
        startOffsets = Map.copyOf(startOffsets);
        endOffsets = Map.copyOf(endOffsets);
        lag = Map.copyOf(lag);
        durationMillis = Map.copyOf(durationMillis);
        dataLoss = List.copyOf(dataLoss);
    }

    /** Scheduling delay plus processing time: how long after it was due the batch's output was committed. */
    public long totalDelayMillis() {
        return schedulingDelayMillis + processingTimeMillis;
    }

    /** Records behind, over all partitions of all sources. */
    public long totalLag() {
        return lag.values().stream().flatMap(m -> m.values().stream()).mapToLong(Long::longValue).sum();
    }
}
