package dev.sluice.execution.source;

import static java.util.Objects.requireNonNull;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What one task reads: offset ranges of distinct partitions of one source (one range, or a group of them when a
 * source has more partitions than a batch has tasks), the columns wanted (in output order; a subset of the
 * source's schema, so unused JSON fields are never decoded), and the largest batch a reader should return.
 * Empty ranges may be among them: a reader reads nothing of them (a group keeps the same partitions from batch
 * to batch, so a source can keep what it set up for them).
 */
public record ScanSpec(List<OffsetRange> ranges, List<String> columns, int maxBatchRows) {
    public static final int DEFAULT_MAX_BATCH_ROWS = 64 * 1024;

    public ScanSpec {
        ranges = List.copyOf(ranges);
        columns = List.copyOf(columns);
        if (ranges.isEmpty()) {
            throw new IllegalArgumentException("A scan reads at least one range");
        }
        Set<SourcePartition> partitions = new HashSet<>();
        for (OffsetRange r : ranges) {
            if (!partitions.add(r.partition())) {
                throw new IllegalArgumentException("Two ranges of " + r.partition() + " in one scan: " + ranges);
            }
        }
        if (maxBatchRows <= 0) {
            throw new IllegalArgumentException("maxBatchRows must be positive");
        }
    }

    /** A scan of one range. */
    public ScanSpec(OffsetRange range, List<String> columns, int maxBatchRows) {
        this(List.of(requireNonNull(range, "range is null")), columns, maxBatchRows);
    }

    /**
     * The scan's one range, for readers of a range at a time ({@link RangeSequenceReader} gives them a scan each).
     *
     * @throws IllegalStateException if the scan reads several ranges
     */
    public OffsetRange range() {
        if (ranges.size() != 1) {
            throw new IllegalStateException("The scan reads " + ranges.size() + " ranges, not one: " + ranges);
        }
        return ranges.get(0);
    }

    /** The same columns and batch size over other ranges. */
    public ScanSpec withRanges(List<OffsetRange> others) {
        return new ScanSpec(others, columns, maxBatchRows);
    }

    /** Whether every range is empty: there is nothing to read. */
    public boolean isEmpty() {
        return ranges.stream().allMatch(OffsetRange::isEmpty);
    }
}
