package dev.sluice.execution.stream;

import dev.sluice.execution.source.OffsetRange;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The next batch as the {@link OffsetPlanner} decided it: the offset ranges per source table, the latest
 * offsets seen while planning (for lag), how many records the ranges hold, the data lost to retention or
 * to a recreated topic that was skipped (only with {@code failOnDataLoss = false}), and per source table
 * the id of each topic read (to be kept in the offset log).
 */
record PlannedBatch(Map<String, List<OffsetRange>> ranges, Map<String, Map<String, Long>> lag, long records,
                    List<String> dataLoss, Map<String, Map<String, String>> topicIds) {
    PlannedBatch {
        ranges = Map.copyOf(ranges);
        lag = Map.copyOf(lag);
        dataLoss = List.copyOf(dataLoss);
        Map<String, Map<String, String>> ids = new TreeMap<>();
        topicIds.forEach((k, v) -> ids.put(k, Map.copyOf(v)));
        topicIds = Map.copyOf(ids);
    }

    boolean isEmpty() {
        return records == 0;
    }

    /**
     * A batch without new input (to apply a watermark that moved): every range empty, at its start (from
     * where this batch would read) or at its end (where this batch, already run, stopped). The data lost
     * is reported with the batch that skipped it: here only at the start. Tables in {@code wholeTables}
     * (static tables, read whole by every batch) keep their ranges: a join above a window still needs them.
     */
    PlannedBatch withoutNewData(boolean atEnd, java.util.Set<String> wholeTables) {
        Map<String, List<OffsetRange>> empty = new TreeMap<>();
        ranges.forEach((table, list) -> empty.put(table, wholeTables.contains(table) ? list : list.stream().map(r -> {
            long at = atEnd ? r.untilOffset() : r.fromOffset();
            return new OffsetRange(r.partition(), at, at);
        }).toList()));
        return new PlannedBatch(empty, lag, 0, atEnd ? List.of() : dataLoss, topicIds);
    }
}
