package dev.sluice.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one micro-batch did: the numbers Spark's {@code StreamingQueryProgress} and streaming UI show.
 * JSON-serialisable ({@link #toJson()}).
 *
 * @param queryName the query's name
 * @param batchId the batch
 * @param timestamp when the batch started
 * @param startOffsets per source table, per partition ("topic-partition"), the first offset read
 * @param endOffsets likewise, the offset after the last one read
 * @param lag per source table, per partition, the records still behind the batch's end when it was planned
 *     (consumer lag)
 * @param inputRows records read (malformed ones included)
 * @param outputRows rows handed to the sink
 * @param malformedRows records skipped because they could not be decoded
 * @param lateRows rows dropped for being behind the watermark (stateful queries over watermarked tables)
 * @param watermarkMillis the watermark the batch ran with (epoch millis), or {@code Long.MIN_VALUE} if none
 * @param inputRowsPerSecond input rows over the time since the previous batch started (the input rate)
 * @param processedRowsPerSecond input rows over the batch's processing time (the processing rate)
 * @param schedulingDelayMillis how late the batch started after its trigger was due (a previous batch
 *     that overran its interval delays the next)
 * @param processingTimeMillis from planning offsets to commit
 * @param durationMillis time per phase: planOffsets, offsetLog, process (read + operators), sink, commit
 * @param stateRows rows of operator state after the batch (one per GROUP BY group); 0 for stateless queries
 * @param stateBytes estimated bytes of that state
 * @param rateLimit records per second backpressure allowed this batch; -1 when backpressure did not limit it
 * @param dataLoss offsets skipped because they had been deleted ({@code failOnDataLoss = false})
 * @param stateOperators the state of each stateful operator after the batch, bottom-up (an aggregate over a
 *     join has two); their sums are {@code stateRows} and {@code stateBytes}
 */
public record QueryProgress(String queryName, long batchId, Instant timestamp,
                            Map<String, Map<String, Long>> startOffsets,
                            Map<String, Map<String, Long>> endOffsets,
                            Map<String, Map<String, Long>> lag,
                            long inputRows, long outputRows, long malformedRows, long lateRows, long watermarkMillis,
                            double inputRowsPerSecond, double processedRowsPerSecond,
                            long schedulingDelayMillis, long processingTimeMillis,
                            Map<String, Long> durationMillis, long stateRows, long stateBytes, double rateLimit,
                            List<String> dataLoss, List<OperatorState> stateOperators) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The state one stateful operator keeps.
     *
     * @param operator its id, its directory under {@code state/} in the checkpoint ({@code aggregate},
     *     {@code join}, {@code aggregate-2}, ...)
     * @param rows keys held
     * @param bytes estimated bytes
     * @param lateRows rows dropped in the batch for being late for this operator: behind the watermark it closes
     *     windows or evicts rows by (dropped by the tasks that feed it; part of the query's {@code lateRows})
     */
    public record OperatorState(String operator, long rows, long bytes, long lateRows) {
        public OperatorState {
            java.util.Objects.requireNonNull(operator, "operator is null");
        }

        public OperatorState(String operator, long rows, long bytes) {
            this(operator, rows, bytes, 0);
        }
    }

    /** A progress whose state is given as one total (no per-operator breakdown). */
    public QueryProgress(String queryName, long batchId, Instant timestamp, Map<String, Map<String, Long>> startOffsets,
                         Map<String, Map<String, Long>> endOffsets, Map<String, Map<String, Long>> lag, long inputRows,
                         long outputRows, long malformedRows, long lateRows, long watermarkMillis,
                         double inputRowsPerSecond, double processedRowsPerSecond, long schedulingDelayMillis,
                         long processingTimeMillis, Map<String, Long> durationMillis, long stateRows, long stateBytes,
                         double rateLimit, List<String> dataLoss) {
        this(queryName, batchId, timestamp, startOffsets, endOffsets, lag, inputRows, outputRows, malformedRows,
                lateRows, watermarkMillis, inputRowsPerSecond, processedRowsPerSecond, schedulingDelayMillis,
                processingTimeMillis, durationMillis, stateRows, stateBytes, rateLimit, dataLoss, List.of());
    }

    public QueryProgress {
        stateOperators = List.copyOf(stateOperators);
        startOffsets = Map.copyOf(startOffsets);
        endOffsets = Map.copyOf(endOffsets);
        lag = Map.copyOf(lag);
        durationMillis = Map.copyOf(durationMillis);
        dataLoss = List.copyOf(dataLoss);
    }

    /** Scheduling delay plus processing time. */
    public long totalDelayMillis() {
        return schedulingDelayMillis + processingTimeMillis;
    }

    /** Records behind, over every partition. */
    public long totalLag() {
        return lag.values().stream().flatMap(m -> m.values().stream()).mapToLong(Long::longValue).sum();
    }

    /** This progress as one JSON object: every component (timestamp in ISO-8601), then totalDelayMillis and totalLag. */
    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("queryName", queryName);
        m.put("batchId", batchId);
        m.put("timestamp", timestamp.toString());
        m.put("startOffsets", startOffsets);
        m.put("endOffsets", endOffsets);
        m.put("lag", lag);
        m.put("inputRows", inputRows);
        m.put("outputRows", outputRows);
        m.put("malformedRows", malformedRows);
        m.put("lateRows", lateRows);
        m.put("watermark", watermarkMillis == Long.MIN_VALUE ? null : Instant.ofEpochMilli(watermarkMillis).toString());
        m.put("inputRowsPerSecond", inputRowsPerSecond);
        m.put("processedRowsPerSecond", processedRowsPerSecond);
        m.put("schedulingDelayMillis", schedulingDelayMillis);
        m.put("processingTimeMillis", processingTimeMillis);
        m.put("durationMillis", durationMillis);
        m.put("stateRows", stateRows);
        m.put("stateBytes", stateBytes);
        m.put("stateOperators", stateOperators.stream().map(o -> Map.of("operator", o.operator(), "stateRows", o.rows(),
                "stateBytes", o.bytes(), "lateRows", o.lateRows())).toList());
        m.put("rateLimit", rateLimit);
        m.put("dataLoss", dataLoss);
        m.put("totalDelayMillis", totalDelayMillis());
        m.put("totalLag", totalLag());
        try {
            return JSON.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
