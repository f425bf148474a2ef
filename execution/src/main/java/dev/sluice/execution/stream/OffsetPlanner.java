package dev.sluice.execution.stream;

import dev.sluice.execution.flow.OffsetAdmission;
import dev.sluice.execution.source.OffsetRange;
import dev.sluice.execution.source.SourceException;
import dev.sluice.execution.source.SourcePartition;
import dev.sluice.execution.source.StreamSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Decides the offset ranges of the next micro-batch: per source partition, from where the previous batch
 * ended (or the table's startup position) up to the latest offset, within the rate limits, or up to a
 * fixed end for {@code available-now}. Every known partition gets a range, empty ones included, so the
 * offset log alone says where each partition stands.
 *
 * <p>Partitions that appear while the query runs start at their earliest available offset. Offsets that
 * were deleted before the query read them (retention, a topic deleted and recreated) fail the query, or,
 * with {@code failOnDataLoss = false}, are skipped and reported.
 */
final class OffsetPlanner {
    private final Map<String, StreamSource> sources;
    /** Next offset to read, per source table and partition; state of the driver thread only. */
    private final Map<String, Map<SourcePartition, Long>> positions = new HashMap<>();

    /** Tables read whole for every batch (the static side of lookup joins). */
    private final Set<String> wholeTables;

    OffsetPlanner(Map<String, StreamSource> sources) {
        this(sources, Set.of());
    }

    /** @param wholeTables tables each batch reads from their start, not from where the last batch ended */
    OffsetPlanner(Map<String, StreamSource> sources, Set<String> wholeTables) {
        this.sources = Map.copyOf(sources);
        this.wholeTables = Set.copyOf(wholeTables);
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
     * The next batch: each range ends at the source's latest offset (or at {@code end} if given), within
     * {@code maxPerSource} records per source table and {@code maxPerPartition} per partition.
     *
     * @throws SourceException if offsets still needed were deleted and {@code failOnDataLoss}
     */
    PlannedBatch next(Optional<Map<String, Map<SourcePartition, Long>>> end, long maxPerSource, long maxPerPartition,
                      boolean failOnDataLoss) {
        Map<String, List<OffsetRange>> ranges = new TreeMap<>();
        Map<String, Map<String, Long>> lag = new TreeMap<>();
        List<String> dataLoss = new ArrayList<>();
        long records = 0;
        for (Map.Entry<String, StreamSource> e : sources.entrySet()) {
            String name = e.getKey();
            StreamSource source = e.getValue();
            Map<SourcePartition, Long> latest = source.latestOffsets();
            Map<SourcePartition, Long> until = new TreeMap<>(end.isPresent() ? end.get().get(name) : latest);
            boolean whole = wholeTables.contains(name);
            Map<SourcePartition, Long> from = whole ? wholeTable(source, until)
                    : startPositions(name, source, until, failOnDataLoss, dataLoss);
            // A static table is read whole, not rationed: its rows are not the stream's input.
            Map<SourcePartition, Long> admitted = whole ? until
                    : OffsetAdmission.admit(from, until, maxPerSource, maxPerPartition);
            List<OffsetRange> list = new ArrayList<>();
            Map<String, Long> sourceLag = new TreeMap<>();
            for (SourcePartition p : until.keySet()) {
                long start = from.get(p);
                long stop = admitted.get(p);
                list.add(new OffsetRange(p, start, stop));
                sourceLag.put(p.toString(), Math.max(0, latest.getOrDefault(p, stop) - stop));
                records += whole ? 0 : stop - start;
            }
            ranges.put(name, list);
            lag.put(name, sourceLag);
        }
        return new PlannedBatch(ranges, lag, records, dataLoss);
    }

    /** A static table's start: its startup position (or earliest offset) in every partition, each batch. */
    private static Map<SourcePartition, Long> wholeTable(StreamSource source, Map<SourcePartition, Long> until) {
        Map<SourcePartition, Long> initial = source.initialOffsets();
        Map<SourcePartition, Long> earliest = source.earliestOffsets();
        Map<SourcePartition, Long> from = new HashMap<>();
        for (Map.Entry<SourcePartition, Long> u : until.entrySet()) {
            long first = earliest.getOrDefault(u.getKey(), 0L);
            long start = Math.max(first, initial.getOrDefault(u.getKey(), first));
            from.put(u.getKey(), Math.min(start, u.getValue()));
        }
        return from;
    }

    /** Where each partition of {@code until} starts, checked against the earliest offsets still available. */
    private Map<SourcePartition, Long> startPositions(String name, StreamSource source, Map<SourcePartition, Long> until,
                                                     boolean failOnDataLoss, List<String> dataLoss) {
        Map<SourcePartition, Long> known = positions.computeIfAbsent(name, k -> new HashMap<>(source.initialOffsets()));
        Map<SourcePartition, Long> earliest = source.earliestOffsets();
        Map<SourcePartition, Long> from = new HashMap<>();
        for (SourcePartition p : until.keySet()) {
            Long start = known.get(p);
            long first = earliest.getOrDefault(p, 0L);
            if (start == null) {
                start = first;  // a partition that appeared while the query ran
            } else if (start < first || start > until.get(p)) {
                // Below the earliest offset: deleted by retention. Above the latest: the topic was deleted
                // and recreated, and its offsets started again.
                String gap = start < first
                        ? "offsets [" + start + ", " + first + ") of " + p + " (table '" + name
                                + "') were deleted before the query read them"
                        : "the offsets of " + p + " (table '" + name + "') went back from " + start + " to "
                                + until.get(p) + " (was the topic deleted and recreated?)";
                if (failOnDataLoss) {
                    throw new SourceException("Data loss: " + gap + ". Set failOnDataLoss = false to continue from "
                            + "the earliest available offset.");
                }
                dataLoss.add(gap);
                start = first;
            }
            from.put(p, start);
        }
        return from;
    }
}
