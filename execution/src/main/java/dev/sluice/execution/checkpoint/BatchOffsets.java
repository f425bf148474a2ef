package dev.sluice.execution.checkpoint;

import dev.sluice.execution.source.OffsetRange;
import dev.sluice.execution.source.SourcePartition;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The offset-log entry of one micro-batch: per source table, the offset range of every partition (empty
 * ranges included, so the entry alone says where each partition stands), the watermark the batch runs
 * with ({@link #NO_WATERMARK} if none), so that a re-run drops exactly the same late rows, and per source
 * table the id of each topic read (see {@link dev.sluice.execution.source.StreamSource#topicIds()}), so
 * that a topic deleted and recreated since is noticed.
 *
 * @param topicIds per source table, per topic, its id when the batch was planned; empty for entries
 *     written before Sluice kept topic ids, and for sources that have none
 */
public record BatchOffsets(long batchId, long timestampMillis, Map<String, List<OffsetRange>> sources,
                           long watermarkMillis, Map<String, Map<String, String>> topicIds) {
    /** No watermark yet (or no watermarked table). */
    public static final long NO_WATERMARK = Long.MIN_VALUE;

    public BatchOffsets {
        Map<String, List<OffsetRange>> copy = new TreeMap<>();
        sources.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        sources = Map.copyOf(copy);
        Map<String, Map<String, String>> ids = new TreeMap<>();
        if (topicIds != null) {  // absent from entries of older versions
            topicIds.forEach((k, v) -> ids.put(k, Map.copyOf(v)));
        }
        topicIds = Map.copyOf(ids);
    }

    public BatchOffsets(long batchId, long timestampMillis, Map<String, List<OffsetRange>> sources,
                        long watermarkMillis) {
        this(batchId, timestampMillis, sources, watermarkMillis, Map.of());
    }

    public BatchOffsets(long batchId, long timestampMillis, Map<String, List<OffsetRange>> sources) {
        this(batchId, timestampMillis, sources, NO_WATERMARK);
    }

    /** Where each partition of {@code source} ends after this batch (exclusive). */
    public Map<SourcePartition, Long> endOffsets(String source) {
        Map<SourcePartition, Long> end = new HashMap<>();
        for (OffsetRange r : sources.getOrDefault(source, List.of())) {
            end.put(r.partition(), r.untilOffset());
        }
        return end;
    }
}
