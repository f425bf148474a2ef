package dev.sluice.execution.flow;

import dev.sluice.execution.source.SourcePartition;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides how far a batch reads in each partition under rate limits: each partition at most
 * {@code maxPerPartition} records, and all together at most {@code maxTotal}, shared in proportion to each
 * partition's lag (so a partition that fell behind catches up faster), as Spark's Kafka source does.
 */
public final class OffsetAdmission {
    private OffsetAdmission() {
    }

    /**
     * The end offset (exclusive) of each partition of {@code latest}.
     *
     * @param from where each partition's next batch starts
     * @param latest the latest offset of each partition
     * @param maxTotal most records over all partitions ({@code Long.MAX_VALUE}: no limit)
     * @param maxPerPartition most records per partition ({@code Long.MAX_VALUE}: no limit)
     */
    public static Map<SourcePartition, Long> admit(Map<SourcePartition, Long> from, Map<SourcePartition, Long> latest,
                                                   long maxTotal, long maxPerPartition) {
        Map<SourcePartition, Long> lag = new HashMap<>();
        long totalLag = 0;
        for (Map.Entry<SourcePartition, Long> e : latest.entrySet()) {
            long start = from.getOrDefault(e.getKey(), e.getValue());
            long l = Math.min(Math.max(0, e.getValue() - start), maxPerPartition);
            lag.put(e.getKey(), l);
            totalLag += l;
        }
        Map<SourcePartition, Long> take = new HashMap<>(lag);
        if (totalLag > maxTotal) {
            long given = 0;
            for (Map.Entry<SourcePartition, Long> e : lag.entrySet()) {
                long share = (long) ((double) maxTotal * e.getValue() / totalLag);
                take.put(e.getKey(), share);
                given += share;
            }
            // Rounding down leaves a remainder: give it, one record each, to the partitions that lag most.
            List<SourcePartition> byLag = new ArrayList<>(lag.keySet());
            byLag.sort(Comparator.comparing((SourcePartition p) -> lag.get(p)).reversed().thenComparing(p -> p));
            // Terminates: the lags add up to more than maxTotal, so some partition can always take one more.
            int i = 0;
            while (given < maxTotal) {
                SourcePartition p = byLag.get(i);
                if (take.get(p) < lag.get(p)) {
                    take.put(p, take.get(p) + 1);
                    given++;
                }
                i = (i + 1) % byLag.size();
            }
        }
        Map<SourcePartition, Long> ends = new HashMap<>();
        for (Map.Entry<SourcePartition, Long> e : latest.entrySet()) {
            long start = from.getOrDefault(e.getKey(), e.getValue());
            ends.put(e.getKey(), Math.max(start, start + take.get(e.getKey())));
        }
        return ends;
    }
}
