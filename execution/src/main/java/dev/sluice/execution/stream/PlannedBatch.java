package dev.sluice.execution.stream;

import dev.sluice.execution.source.OffsetRange;
import java.util.List;
import java.util.Map;

/**
 * The next batch as the {@link OffsetPlanner} decided it: the offset ranges per source table, the latest
 * offsets seen while planning (for lag), how many records the ranges hold, and the data lost to
 * retention that was skipped (only with {@code failOnDataLoss = false}).
 */
record PlannedBatch(Map<String, List<OffsetRange>> ranges, Map<String, Map<String, Long>> lag, long records,
                    List<String> dataLoss) {
    PlannedBatch {
        ranges = Map.copyOf(ranges);
        lag = Map.copyOf(lag);
        dataLoss = List.copyOf(dataLoss);
    }

    boolean isEmpty() {
        return records == 0;
    }
}
