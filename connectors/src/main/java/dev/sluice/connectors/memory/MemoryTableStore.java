package dev.sluice.connectors.memory;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The rows of every memory table of this process, by table name (case-insensitive). Memory tables live as
 * long as the JVM (or until DROP TABLE); they are for the shell and tests, not for durable results.
 * Thread-safe.
 */
public final class MemoryTableStore {
    private static final MemoryTableStore INSTANCE = new MemoryTableStore();

    private final Map<String, Table> tables = new ConcurrentHashMap<>();

    private MemoryTableStore() {
    }

    public static MemoryTableStore instance() {
        return INSTANCE;
    }

    /**
     * Appends a batch's rows unless query {@code writer} already wrote batch {@code batchId} (or a later
     * one) to this table: exactly-once per writing query, which may replay a batch after a restart.
     */
    public boolean append(String table, String writer, long batchId, List<List<Object>> rows) {
        return table(table).append(writer, batchId, rows);
    }

    /** Rows {@code [from, until)} in arrival order. */
    public List<List<Object>> rows(String table, long from, long until) {
        return table(table).rows(from, until);
    }

    /** Number of rows: the table's end offset. */
    public long size(String table) {
        return table(table).size();
    }

    public void drop(String table) {
        tables.remove(key(table));
    }

    private Table table(String name) {
        return tables.computeIfAbsent(key(name), k -> new Table());
    }

    private static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    private static final class Table {
        private final List<List<Object>> rows = new ArrayList<>();
        private final Map<String, Long> lastBatchIds = new java.util.HashMap<>();

        synchronized boolean append(String writer, long batchId, List<List<Object>> batch) {
            if (batchId <= lastBatchIds.getOrDefault(writer, -1L)) {
                return false;
            }
            rows.addAll(batch);
            lastBatchIds.put(writer, batchId);
            return true;
        }

        synchronized List<List<Object>> rows(long from, long until) {
            return List.copyOf(rows.subList((int) from, (int) Math.min(until, rows.size())));
        }

        synchronized long size() {
            return rows.size();
        }
    }
}
