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

    /**
     * Applies a batch of changes, in order, unless query {@code writer} already wrote batch {@code batchId}:
     * a positive weight appends that many copies of its row, a negative one removes as many equal rows (the
     * table then holds the current result of an updating query; its rows' offsets shift).
     *
     * @throws IllegalStateException naming the row if a delete finds no equal row (nothing is applied)
     */
    public boolean apply(String table, String writer, long batchId, List<List<Object>> rows, List<Integer> weights) {
        return table(table).apply(table, writer, batchId, rows, weights);
    }

    /**
     * Replaces the rows query {@code writer} wrote with {@link #replace} before by {@code rows} (a complete result),
     * unless it already wrote batch {@code batchId}; rows others wrote stay (the table's rows' offsets shift).
     */
    public boolean replace(String table, String writer, long batchId, List<List<Object>> rows) {
        return table(table).replace(table, writer, batchId, rows);
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
        /** The complete result each writer wrote last ({@link #replace}). */
        private final Map<String, List<List<Object>>> completeResults = new java.util.HashMap<>();

        synchronized boolean append(String writer, long batchId, List<List<Object>> batch) {
            if (batchId <= lastBatchIds.getOrDefault(writer, -1L)) {
                return false;
            }
            rows.addAll(batch);
            lastBatchIds.put(writer, batchId);
            return true;
        }

        synchronized boolean apply(String name, String writer, long batchId, List<List<Object>> batch,
                                   List<Integer> weights) {
            if (batchId <= lastBatchIds.getOrDefault(writer, -1L)) {
                return false;
            }
            List<List<Object>> next = new ArrayList<>(rows);
            for (int i = 0; i < batch.size(); i++) {
                for (int n = 0; n < Math.abs(weights.get(i)); n++) {
                    if (weights.get(i) > 0) {
                        next.add(batch.get(i));
                    } else if (!next.remove(batch.get(i))) {
                        throw new IllegalStateException("Memory table " + name + " has no row " + batch.get(i)
                                + " to delete (batch " + batchId + " of " + writer + ")");
                    }
                }
            }
            rows.clear();
            rows.addAll(next);
            lastBatchIds.put(writer, batchId);
            return true;
        }

        /** The writer's previous complete result deleted and the new one inserted, as changes ({@link #apply}). */
        synchronized boolean replace(String name, String writer, long batchId, List<List<Object>> batch) {
            List<List<Object>> previous = completeResults.getOrDefault(writer, List.of());
            List<List<Object>> changes = new ArrayList<>(previous);
            changes.addAll(batch);
            List<Integer> weights = new ArrayList<>(changes.size());
            previous.forEach(row -> weights.add(-1));
            batch.forEach(row -> weights.add(1));
            if (!apply(name, writer, batchId, changes, weights)) {
                return false;
            }
            completeResults.put(writer, List.copyOf(batch));
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
