package dev.sluice.execution.operator;

import dev.sluice.execution.plan.SortKey;
import java.util.Comparator;
import java.util.List;

/**
 * The order of rows (values as {@code VectorValues.get} gives them) by a list of {@link SortKey}s, SQL's way:
 * each key's direction, NULLs first or last as the key says, strings by their UTF-16 order, later keys
 * breaking ties of earlier ones.
 */
final class RowOrdering implements Comparator<List<Object>> {
    private final List<SortKey> keys;

    RowOrdering(List<SortKey> keys) {
        this.keys = List.copyOf(keys);
    }

    @Override
    public int compare(List<Object> a, List<Object> b) {
        for (SortKey key : keys) {
            int c = compare(key, a.get(key.column()), b.get(key.column()));
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    /** The order of two values of {@code key}'s column: its direction, NULLs first or last as it says. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static int compare(SortKey key, Object x, Object y) {
        if (x == null || y == null) {
            return x == y ? 0 : (x == null) == key.nullsFirst() ? -1 : 1;
        }
        int c = ((Comparable) x).compareTo(y);
        return key.descending() ? -c : c;
    }
}
