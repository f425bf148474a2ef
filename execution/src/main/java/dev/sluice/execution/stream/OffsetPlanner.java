package dev.sluice.execution.stream;

import dev.sluice.execution.checkpoint.BatchOffsets;
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
import java.util.TreeSet;

/**
 * Decides the offset ranges of the next micro-batch: per source partition, from where the previous batch
 * ended (or the table's startup position) up to the latest offset, within the rate limits, or up to a
 * fixed end for {@code available-now}. Every known partition gets a range, empty ones included, so the
 * offset log alone says where each partition stands.
 *
 * <p>Partitions that appear while the query runs start at their earliest available offset. Offsets that
 * were deleted before the query read them (retention, a topic deleted and recreated) fail the query, or,
 * with {@code failOnDataLoss = false}, are skipped and reported. A recreated topic is recognised by its
 * id ({@link StreamSource#topicIds()}) changing from the one the last committed batch was planned with,
 * and, for sources without ids, by its offsets going back; with {@code failOnDataLoss = false} it is read
 * again from its earliest offset.
 *
 * <p>A batch that was logged but not committed is re-run with its logged ranges ({@link #recover}),
 * adjusted only where the offsets it needs no longer exist.
 */
final class OffsetPlanner {
    private final Map<String, StreamSource> sources;
    /** Next offset to read, per source table and partition; state of the driver thread only. */
    private final Map<String, Map<SourcePartition, Long>> positions = new HashMap<>();
    /** Per source table, the id of each topic as of the last batch committed; driver thread only. */
    private final Map<String, Map<String, String>> topicIds = new HashMap<>();

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
        resumeAfter(batch, Map.of());
    }

    /**
     * Sets the positions to where a logged batch ended, and the topic ids to those it was planned with
     * (topics it has no id for keep theirs: entries of older versions have none).
     */
    void resumeAfter(Map<String, List<OffsetRange>> batch, Map<String, Map<String, String>> batchTopicIds) {
        for (Map.Entry<String, List<OffsetRange>> e : batch.entrySet()) {
            Map<SourcePartition, Long> p = positions.computeIfAbsent(e.getKey(), k -> new HashMap<>());
            for (OffsetRange r : e.getValue()) {
                p.put(r.partition(), r.untilOffset());
            }
        }
        batchTopicIds.forEach((table, ids) -> topicIds.computeIfAbsent(table, k -> new HashMap<>()).putAll(ids));
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
     * @throws SourceException if offsets still needed were deleted, or a topic was recreated, and
     *     {@code failOnDataLoss}
     */
    PlannedBatch next(Optional<Map<String, Map<SourcePartition, Long>>> end, long maxPerSource, long maxPerPartition,
                      boolean failOnDataLoss) {
        Map<String, List<OffsetRange>> ranges = new TreeMap<>();
        Map<String, Map<String, Long>> lag = new TreeMap<>();
        Map<String, Map<String, String>> ids = new TreeMap<>();
        List<String> dataLoss = new ArrayList<>();
        long records = 0;
        for (Map.Entry<String, StreamSource> e : sources.entrySet()) {
            String name = e.getKey();
            StreamSource source = e.getValue();
            boolean whole = wholeTables.contains(name);
            // Ids before offsets: a topic recreated in between is then noticed by the next batch, never missed.
            Map<String, String> sourceIds = whole ? Map.of() : source.topicIds();
            Set<String> recreated = recreatedTopics(name, sourceIds, failOnDataLoss, dataLoss);
            Map<SourcePartition, Long> latest = source.latestOffsets();
            Map<SourcePartition, Long> until = new TreeMap<>(end.isPresent() ? end.get().get(name) : latest);
            Map<SourcePartition, Long> from = whole ? wholeTable(source, until)
                    : startPositions(name, source, until, recreated, failOnDataLoss, dataLoss);
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
            if (!sourceIds.isEmpty()) {
                ids.put(name, sourceIds);
            }
        }
        return new PlannedBatch(ranges, lag, records, dataLoss, ids);
    }

    /**
     * The ranges to re-run a batch with that was logged but not committed: exactly the logged ones, unless
     * offsets they need no longer exist (deleted by retention since, or the topic was deleted and
     * recreated). Then, without {@code failOnDataLoss}, each range starts at the earliest offset left (a
     * recreated topic's ranges become empty ranges at the new topic's earliest offsets, where the next
     * batch starts), and each gap is reported; the caller logs the adjusted ranges in place of the old ones.
     *
     * @throws SourceException if offsets of the batch were lost and {@code failOnDataLoss}
     */
    PlannedBatch recover(BatchOffsets pending, boolean failOnDataLoss) {
        Map<String, List<OffsetRange>> ranges = new TreeMap<>();
        Map<String, Map<String, String>> ids = new TreeMap<>(pending.topicIds());
        List<String> dataLoss = new ArrayList<>();
        long records = 0;
        for (Map.Entry<String, List<OffsetRange>> e : pending.sources().entrySet()) {
            String name = e.getKey();
            StreamSource source = sources.get(name);
            List<OffsetRange> logged = e.getValue();
            if (source == null || logged.stream().allMatch(OffsetRange::isEmpty)) {
                ranges.put(name, logged);  // nothing to read: nothing can be missing
                records += logged.stream().mapToLong(OffsetRange::size).sum();
                continue;
            }
            Map<String, String> loggedIds = pending.topicIds().getOrDefault(name, Map.of());
            Map<String, String> currentIds = loggedIds.isEmpty() ? Map.of() : source.topicIds();
            Set<String> recreated = new TreeSet<>();
            for (Map.Entry<String, String> id : loggedIds.entrySet()) {
                String now = currentIds.get(id.getKey());
                if (now != null && !now.equals(id.getValue())) {
                    lost(pending.batchId(), recreatedGap(name, id.getKey(), id.getValue(), now), failOnDataLoss,
                            dataLoss);
                    recreated.add(id.getKey());
                }
            }
            Map<SourcePartition, Long> earliest = source.earliestOffsets();
            Map<SourcePartition, Long> latest = source.latestOffsets();
            List<OffsetRange> adjusted = new ArrayList<>();
            for (OffsetRange r : logged) {
                SourcePartition p = r.partition();
                if (recreated.contains(p.topic())) {
                    continue;  // replaced by the new topic's partitions below
                }
                Long first = earliest.get(p);
                Long last = latest.get(p);
                OffsetRange range = r;
                if (r.isEmpty() || first == null || last == null) {
                    // An empty range reads nothing; a partition that is gone fails when it is read.
                } else if (last < r.untilOffset()) {
                    lost(pending.batchId(), wentBackGap(name, p, r.untilOffset(), last), failOnDataLoss, dataLoss);
                    range = new OffsetRange(p, first, first);
                } else if (r.fromOffset() < first) {
                    long resume = Math.min(first, r.untilOffset());
                    lost(pending.batchId(), deletedGap(name, p, r.fromOffset(), resume), failOnDataLoss, dataLoss);
                    range = new OffsetRange(p, resume, r.untilOffset());
                }
                adjusted.add(range);
                records += range.size();
            }
            for (Map.Entry<SourcePartition, Long> first : earliest.entrySet()) {
                if (recreated.contains(first.getKey().topic())) {
                    adjusted.add(new OffsetRange(first.getKey(), first.getValue(), first.getValue()));
                }
            }
            if (!recreated.isEmpty()) {
                Map<String, String> merged = new TreeMap<>(loggedIds);
                recreated.forEach(topic -> merged.put(topic, currentIds.get(topic)));
                ids.put(name, merged);
            }
            ranges.put(name, adjusted);
        }
        return new PlannedBatch(ranges, Map.of(), records, dataLoss, ids);
    }

    /** Records a loss found re-running batch {@code batchId}, or fails with what to do. */
    private static void lost(long batchId, String gap, boolean failOnDataLoss, List<String> dataLoss) {
        if (failOnDataLoss) {
            throw new SourceException("Data loss: batch " + batchId + " was logged but not committed when the query "
                    + "stopped, and can't be re-run as logged: " + gap + ". Set failOnDataLoss = false to re-run it "
                    + "over the offsets that are left (the gap is reported in the progress's dataLoss and the log).");
        }
        dataLoss.add(gap);
    }

    /**
     * Topics of {@code table} whose id is not the one the last committed batch was planned with: they were
     * deleted and recreated. Fails if {@code failOnDataLoss}; else each is reported.
     */
    private Set<String> recreatedTopics(String table, Map<String, String> ids, boolean failOnDataLoss,
                                        List<String> dataLoss) {
        Map<String, String> known = topicIds.getOrDefault(table, Map.of());
        Set<String> recreated = new TreeSet<>();
        for (Map.Entry<String, String> id : ids.entrySet()) {
            String before = known.get(id.getKey());
            if (before != null && !before.equals(id.getValue())) {
                String gap = recreatedGap(table, id.getKey(), before, id.getValue());
                if (failOnDataLoss) {
                    throw new SourceException("Data loss: " + gap + ". Set failOnDataLoss = false to read the new "
                            + "topic from its earliest offset.");
                }
                dataLoss.add(gap + "; the new topic is read from its earliest offset");
                recreated.add(id.getKey());
            }
        }
        return recreated;
    }

    private static String recreatedGap(String table, String topic, String before, String now) {
        return "topic '" + topic + "' (table '" + table + "') was deleted and recreated since the query read it "
                + "(topic id " + before + ", now " + now + "): records of the old topic the query had not read are lost";
    }

    private static String deletedGap(String table, SourcePartition p, long from, long until) {
        return "offsets [" + from + ", " + until + ") of " + p + " (table '" + table
                + "') were deleted before the query read them";
    }

    private static String wentBackGap(String table, SourcePartition p, long position, long latest) {
        return "the offsets of " + p + " (table '" + table + "') went back from " + position + " to " + latest
                + " (was the topic deleted and recreated?)";
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

    /**
     * Where each partition of {@code until} starts, checked against the earliest offsets still available;
     * partitions of {@code recreated} topics start at their earliest offset.
     */
    private Map<SourcePartition, Long> startPositions(String name, StreamSource source, Map<SourcePartition, Long> until,
                                                     Set<String> recreated, boolean failOnDataLoss,
                                                     List<String> dataLoss) {
        Map<SourcePartition, Long> known = positions.computeIfAbsent(name, k -> new HashMap<>(source.initialOffsets()));
        Map<SourcePartition, Long> earliest = source.earliestOffsets();
        Map<SourcePartition, Long> from = new HashMap<>();
        for (SourcePartition p : until.keySet()) {
            Long start = known.get(p);
            long first = earliest.getOrDefault(p, 0L);
            if (start == null || recreated.contains(p.topic())) {
                start = first;  // a partition that appeared while the query ran, or of a recreated topic
            } else if (start < first || start > until.get(p)) {
                // Below the earliest offset: deleted by retention. Above the latest: the topic was deleted
                // and recreated, and its offsets started again.
                String gap = start < first ? deletedGap(name, p, start, first) : wentBackGap(name, p, start, until.get(p));
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
