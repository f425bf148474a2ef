package dev.sluice.execution.stream;

import dev.sluice.execution.type.RowSchema;
import java.util.List;

/** The rows of a bounded query, with how many records it read and skipped as malformed. */
public record BoundedResult(RowSchema schema, List<List<Object>> rows, long inputRows, long malformedRows) {
    public BoundedResult {
        rows = List.copyOf(rows);
    }
}
