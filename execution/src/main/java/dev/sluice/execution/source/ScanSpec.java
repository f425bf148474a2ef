package dev.sluice.execution.source;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * What one task reads: an offset range, the columns wanted (in output order; a subset of the source's
 * schema, so unused JSON fields are never decoded), and the largest batch a reader should return.
 */
public record ScanSpec(OffsetRange range, List<String> columns, int maxBatchRows) {
    public static final int DEFAULT_MAX_BATCH_ROWS = 64 * 1024;

    public ScanSpec {
        requireNonNull(range, "range is null");
        columns = List.copyOf(columns);
        if (maxBatchRows <= 0) {
            throw new IllegalArgumentException("maxBatchRows must be positive");
        }
    }
}
