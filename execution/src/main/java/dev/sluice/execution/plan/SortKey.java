package dev.sluice.execution.plan;

import dev.sluice.execution.type.RowSchema;

/**
 * One key of an ORDER BY: a column, its direction, and where NULLs go (SQL's default: NULLs last when
 * ascending, first when descending, as in Calcite and Flink).
 */
public record SortKey(int column, boolean descending, boolean nullsFirst) {
    public SortKey {
        if (column < 0) {
            throw new IllegalArgumentException("A sort key's column can't be " + column);
        }
    }

    /** {@code column ASC}, NULLs last. */
    public static SortKey ascending(int column) {
        return new SortKey(column, false, false);
    }

    /** As EXPLAIN shows it: {@code price DESC NULLS FIRST}. */
    public String describe(RowSchema schema) {
        return schema.column(column).name() + (descending ? " DESC" : " ASC") + (nullsFirst ? " NULLS FIRST" : " NULLS LAST");
    }
}
