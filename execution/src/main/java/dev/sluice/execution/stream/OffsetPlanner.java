package dev.sluice.execution.stream;

import dev.sluice.execution.source.OffsetRange;
import dev.sluice.execution.source.SourcePartition;
import dev.sluice.execution.source.StreamSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Decides the offset ranges of the next micro-batch: per source partition, from where the previous batch
 * ended (or the table's startup position) up to the latest offset, or up to a fixed end for
 * {@code available-now}. Every known partition gets a range, empty ones included, so the offset log
 * alone says where each partition stands.
 *
 * <p>Partitions that appear while the query runs start at their earliest available offset.
 */
final class OffsetPlanner {
    private final Map<String, StreamSource> sources;
    /** Next offset to read, per source table and partition; state of the driver thread only. */
    private final Map<String, Map<SourcePartition, Long>> positions = new HashMap<>();

    OffsetPlanner(Map<String, StreamSource> sources) {
        this.sources = Map.copyOf(sources);
    }

    /** Sets the positions to where a logged batch ended. */
    void resumeAfter(Map<String, List<OffsetRange>> batch) {
        for (Map.Entry<String, List<OffsetRange>> e : batch.entrySet()) {
            Map<SourcePartition, Long> p = positions.computeIfAbsent(e.getKey(), k -> new HashMap<>());
            for (OffsetRange r : e.getValue()) {
                p.put(r.partition(), r.untilOffset());
            }
        }
    }

    /** The latest offsets of every source now (for available-now's fixed end). */
    Map<String, Map<SourcePartition, Long>> latest() {
        Map<String, Map<SourcePartition, Long>> latest = new HashMap<>();
        sources.forEach((name, source) -> latest.put(name, source.latestOffsets()));
        return latest;
    }

    /**
     * The next batch's ranges, each ending at the source's latest offset or at {@code end} if given;
     * empty if no partition has new data.
     */
    Optional<Map<String, List<OffsetRange>>> next(Optional<Map<String, Map<SourcePartition, Long>>> end) {
        Map<String, List<OffsetRange>> ranges = new TreeMap<>();
        boolean any = false;
        for (Map.Entry<String, StreamSource> e : sources.entrySet()) {
            String name = e.getKey();
            StreamSource source = e.getValue();
            Map<SourcePartition, Long> until = end.isPresent() ? end.get().get(name) : source.latestOffsets();
            Map<SourcePartition, Long> from = positions.computeIfAbsent(name, k -> new HashMap<>(source.initialOffsets()));
            Map<SourcePartition, Long> earliest = null;
            List<OffsetRange> list = new ArrayList<>();
            for (Map.Entry<SourcePartition, Long> u : new TreeMap<>(until).entrySet()) {
                Long start = from.get(u.getKey());
                if (start == null) {
                    if (earliest == null) {
                        earliest = source.earliestOffsets();
                    }
                    start = earliest.getOrDefault(u.getKey(), 0L);
                }
                long stop = Math.max(start, u.getValue());
                list.add(new OffsetRange(u.getKey(), start, stop));
                any |= stop > start;
            }
            ranges.put(name, list);
        }
        return any ? Optional.of(ranges) : Optional.empty();
    }
}
