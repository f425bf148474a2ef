package dev.sluice.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.connectors.testing.SharedKafkaBroker;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code aggregate FILTER (WHERE ...)} end to end, bounded and continuous, against the same aggregates
 * computed in plain Java over the rows written.
 */
class AggregateFilterIT extends KafkaSessionFixture {
    private static final String QUERY = """
            SELECT %s country,
                COUNT(*) AS n,
                COUNT(*) FILTER (WHERE amount < 50) AS cheap,
                COUNT(DISTINCT customer) FILTER (WHERE amount >= 50) AS big_customers,
                SUM(qty) FILTER (WHERE amount < 50) AS cheap_qty,
                MIN(amount) FILTER (WHERE qty > 2) AS min_bulk,
                MAX(amount) FILTER (WHERE qty > 2 AND customer <> 'c0') AS max_bulk,
                AVG(amount) FILTER (WHERE customer IN ('c1', 'c2')) AS avg_c12,
                COUNT(qty) FILTER (WHERE customer IS NULL) AS anonymous_with_qty
            FROM sales GROUP BY country""";

    private record Sale(String country, double amount, Integer qty, String customer) {
    }

    private final List<Sale> sales = new ArrayList<>();

    @BeforeEach
    void writeSales() {
        String topic = SharedKafkaBroker.createTopic("aggfilter", 2);
        message("CREATE TABLE sales (country VARCHAR, amount DOUBLE, qty INT, customer VARCHAR) WITH ("
                + "'connector'='kafka', 'topic'='" + topic + "', 'format'='json')");
        Random random = new Random(7);
        String[] countries = {"KR", "US", "FR", null};
        for (int i = 0; i < 300; i++) {
            sales.add(new Sale(countries[random.nextInt(countries.length)], 1 + random.nextInt(100),
                    random.nextInt(6) == 0 ? null : random.nextInt(5), random.nextInt(8) == 0 ? null : "c" + random.nextInt(6)));
        }
        sales.add(new Sale("ZZ", 50.0, 1, "c0"));  // a group no filter but big_customers' keeps
        for (int i = 0; i < sales.size(); i++) {
            Sale s = sales.get(i);
            SharedKafkaBroker.produce(topic, i % 2, null, "{\"country\": " + json(s.country()) + ", \"amount\": "
                    + s.amount() + ", \"qty\": " + s.qty() + ", \"customer\": " + json(s.customer()) + "}");
        }
        message("SET trigger = available-now");
    }

    private static String json(String s) {
        return s == null ? "null" : "\"" + s + "\"";
    }

    /** The query's result computed in plain Java. */
    private List<List<Object>> expected() {
        Map<String, List<Sale>> groups = new TreeMap<>();
        sales.forEach(s -> groups.computeIfAbsent(String.valueOf(s.country()), k -> new ArrayList<>()).add(s));
        List<List<Object>> rows = new ArrayList<>();
        groups.forEach((key, group) -> {
            long cheap = group.stream().filter(s -> s.amount() < 50).count();
            Set<String> big = new HashSet<>();
            group.stream().filter(s -> s.amount() >= 50 && s.customer() != null).forEach(s -> big.add(s.customer()));
            List<Integer> cheapQty = group.stream().filter(s -> s.amount() < 50 && s.qty() != null).map(Sale::qty).toList();
            List<Double> bulk = group.stream().filter(s -> s.qty() != null && s.qty() > 2).map(Sale::amount).toList();
            List<Double> bulkNotC0 = group.stream().filter(s -> s.qty() != null && s.qty() > 2 && s.customer() != null
                    && !s.customer().equals("c0")).map(Sale::amount).toList();
            List<Double> c12 = group.stream().filter(s -> "c1".equals(s.customer()) || "c2".equals(s.customer()))
                    .map(Sale::amount).toList();
            long anonymous = group.stream().filter(s -> s.customer() == null && s.qty() != null).count();
            rows.add(row(group.get(0).country(), (long) group.size(), cheap, (long) big.size(),
                    cheapQty.isEmpty() ? null : (long) cheapQty.stream().mapToInt(Integer::intValue).sum(),
                    bulk.stream().min(Double::compare).orElse(null), bulkNotC0.stream().max(Double::compare).orElse(null),
                    c12.isEmpty() ? null : c12.stream().mapToDouble(Double::doubleValue).sum() / c12.size(), anonymous));
        });
        return SqlQueryIT.sorted(rows);
    }

    /** Integers as Long (SUM of an INT may be either), to compare with the reference. */
    private static List<List<Object>> normalized(List<List<Object>> rows) {
        return SqlQueryIT.sorted(rows.stream().map(r -> r.stream()
                .map(v -> v instanceof Integer i ? (Object) i.longValue() : v).toList()).map(r -> (List<Object>) new ArrayList<>(r))
                .toList());
    }

    @Test
    void boundedFilteredAggregatesMatchTheReference() {
        List<List<Object>> expected = expected();
        assertTrue(expected.stream().anyMatch(r -> r.get(4) == null && r.get(5) == null), "a group no filter keeps");
        assertEquals(expected, normalized(rows(QUERY.formatted(""))));
    }

    @Test
    void continuousFilteredAggregatesMatchTheReferenceOverSeveralBatches() throws Exception {
        message("SET outputMode = complete");
        message("SET maxOffsetsPerTrigger = 40");
        List<List<Object>> last = new ArrayList<>();
        StreamingQuery q = runToEnd(QUERY.formatted("STREAM"), batch -> {
            synchronized (last) {
                last.clear();
                last.addAll(batch.rows());
            }
        });
        assertTrue(q.recentProgress().size() > 3, "several batches: " + q.recentProgress().size());
        synchronized (last) {
            assertEquals(expected(), normalized(last));
        }
    }

    @Test
    void aGlobalFilteredCount() {
        long cheapKr = sales.stream().filter(s -> Objects.equals(s.country(), "KR") && s.amount() < 50).count();
        assertEquals(List.of(row(cheapKr, (long) sales.size())),
                rows("SELECT COUNT(*) FILTER (WHERE country = 'KR' AND amount < 50), COUNT(*) FROM sales"));
    }

    @Test
    void filteredAggregatesOfWindowsEmittedOnceInAppendMode() throws Exception {
        String clicks = SharedKafkaBroker.createTopic("filterwindows", 1);
        message("CREATE TABLE clicks (ts TIMESTAMP, page VARCHAR, amount INT, WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) "
                + "WITH ('connector'='kafka', 'topic'='" + clicks + "', 'format'='json')");
        long base = 1_700_000_000_000L;  // 2023-11-14 22:13:20 UTC, a multiple of 10 s
        long[][] rows = {{0, 5}, {3_000, 50}, {9_999, 70}, {10_000, 1}, {12_000, 99}, {25_000, 2}};
        for (long[] r : rows) {
            SharedKafkaBroker.produce(clicks, 0, null, "{\"ts\": " + (base + r[0]) + ", \"page\": \"/a\", \"amount\": "
                    + r[1] + "}");
        }
        message("SET outputMode = append");
        List<List<Object>> emitted = streamRows("""
                SELECT STREAM window_start, COUNT(*), COUNT(*) FILTER (WHERE amount >= 50),
                    SUM(amount) FILTER (WHERE amount < 50)
                FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(ts), INTERVAL '10' SECOND))
                GROUP BY window_start, window_end""");
        java.time.LocalDateTime w0 = java.time.LocalDateTime.of(2023, 11, 14, 22, 13, 20);
        // The last window (20-30 s) is left open by the watermark (25 s - 1 s).
        assertEquals(List.of(row(w0, 3L, 2L, 5), row(w0.plusSeconds(10), 2L, 1L, 1)), SqlQueryIT.sorted(emitted));
    }
}
