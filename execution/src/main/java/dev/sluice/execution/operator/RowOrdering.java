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
    @SuppressWarnings({"unchecked", "rawtypes"})
    public int compare(List<Object> a, List<Object> b) {
        for (SortKey key : keys) {
            Object x = a.get(key.column());
            Object y = b.get(key.column());
            int c;
            if (x == null || y == null) {
                c = x == y ? 0 : (x == null) == key.nullsFirst() ? -1 : 1;
            } else {
                c = ((Comparable) x).compareTo(y);
                if (key.descending()) {
                    c = -c;
                }
            }
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }
}
