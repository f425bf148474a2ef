package dev.sluice.execution.operator;

import dev.sluice.execution.type.VectorValues;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * The static side of a lookup join for one micro-batch: its rows by join key. Built once per batch, then
 * read by every task at once (immutable after {@link #build}). Rows with a NULL key are left out: in SQL a
 * NULL key matches nothing.
 */
public final class LookupTable {
    private final Map<List<Object>, List<List<Object>>> rowsByKey;
    private final int width;

    private LookupTable(Map<List<Object>, List<List<Object>>> rowsByKey, int width) {
        this.rowsByKey = rowsByKey;
        this.width = width;
    }

    /** The rows of {@code batches} (which stay the caller's) by the values of the {@code keys} columns. */
    public static LookupTable build(List<VectorSchemaRoot> batches, List<Integer> keys, int width) {
        return build(batches, keys, width, List.of());
    }

    /**
     * As {@link #build(List, List, int)}, of a table with a primary key ({@code primaryKey}, not empty): only
     * the latest row per key (the last read) joins, as the table is once Kafka has compacted its topic.
     */
    public static LookupTable build(List<VectorSchemaRoot> batches, List<Integer> keys, int width,
                                    List<Integer> primaryKey) {
        List<List<Object>> rows = new ArrayList<>();
        for (VectorSchemaRoot batch : batches) {
            rows.addAll(VectorValues.rows(batch));
        }
        if (!primaryKey.isEmpty()) {
            Map<List<Object>, List<Object>> latest = new java.util.LinkedHashMap<>();
            for (List<Object> row : rows) {
                latest.put(key(row, primaryKey), row);
            }
            rows = new ArrayList<>(latest.values());
        }
        Map<List<Object>, List<List<Object>>> byKey = new HashMap<>();
        for (List<Object> row : rows) {
            List<Object> key = key(row, keys);
            if (key != null) {
                byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(row);
            }
        }
        return new LookupTable(byKey, width);
    }

    /** The rows whose key is {@code key}; none for a NULL key. */
    List<List<Object>> matches(List<Object> key) {
        return key == null ? List.of() : rowsByKey.getOrDefault(key, List.of());
    }

    /** The number of columns of a row. */
    int width() {
        return width;
    }

    public int size() {
        return rowsByKey.values().stream().mapToInt(List::size).sum();
    }

    /** The key of {@code row}, or null if a key column is NULL. Integral keys compare as longs. */
    static List<Object> key(List<Object> row, List<Integer> keys) {
        List<Object> key = new ArrayList<>(keys.size());
        for (int k : keys) {
            Object v = row.get(k);
            if (v == null) {
                return null;
            }
            key.add(v instanceof Integer i ? Long.valueOf(i) : v);
        }
        return key;
    }
}
