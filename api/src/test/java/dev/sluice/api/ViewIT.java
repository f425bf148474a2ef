package dev.sluice.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.connectors.testing.SharedKafkaBroker;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** CREATE VIEW, used by bounded and continuous queries, kept in the catalog; against plain Java over the rows written. */
class ViewIT extends KafkaSessionFixture {
    private record Order(String country, int amount) {
    }

    private final List<Order> orders = new ArrayList<>();

    @BeforeEach
    void writeOrders() {
        String topic = SharedKafkaBroker.createTopic("views", 2);
        message("CREATE TABLE orders (country VARCHAR, amount INT) WITH ('connector'='kafka', 'topic'='" + topic
                + "', 'format'='json')");
        String[] countries = {"KR", "US", "FR"};
        for (int i = 0; i < 60; i++) {
            orders.add(new Order(countries[i % 3], (i * 37) % 100));
        }
        for (int i = 0; i < orders.size(); i++) {
            SharedKafkaBroker.produce(topic, i % 2, null, "{\"country\": \"" + orders.get(i).country() + "\", \"amount\": "
                    + orders.get(i).amount() + "}");
        }
        message("SET trigger = available-now");
        assertEquals("View 'big' created.", message("CREATE VIEW big AS SELECT country, amount * 2 AS doubled FROM orders "
                + "WHERE amount >= 50"));
    }

    private List<List<Object>> expectedBig() {
        return SqlQueryIT.sorted(orders.stream().filter(o -> o.amount() >= 50)
                .map(o -> row(o.country(), o.amount() * 2)).toList());
    }

    private Map<String, Long> expectedCounts() {
        Map<String, Long> counts = new TreeMap<>();
        orders.stream().filter(o -> o.amount() >= 50).forEach(o -> counts.merge(o.country(), 1L, Long::sum));
        return counts;
    }

    private static List<List<Object>> asRows(Map<String, Long> counts) {
        List<List<Object>> rows = new ArrayList<>();
        counts.forEach((k, v) -> rows.add(row(k, v)));
        return rows;
    }

    @Test
    void aBoundedQueryReadsTheViewsRows() {
        assertTrue(expectedBig().size() > 10);
        assertEquals(expectedBig(), SqlQueryIT.sorted(rows("SELECT * FROM big")));
        assertEquals(asRows(expectedCounts()),
                SqlQueryIT.sorted(rows("SELECT country, COUNT(*) FROM big GROUP BY country")));
    }

    @Test
    void aContinuousQueryReadsTheViewAsAStream() throws Exception {
        assertEquals(expectedBig(), SqlQueryIT.sorted(streamRows("SELECT STREAM country, doubled FROM big")));
        message("SET outputMode = complete");
        List<List<Object>> last = new ArrayList<>();
        runToEnd("SELECT STREAM country, COUNT(*) FROM big GROUP BY country", batch -> {
            last.clear();
            last.addAll(batch.rows());
        });
        assertEquals(asRows(expectedCounts()), SqlQueryIT.sorted(last));
    }

    @Test
    void aViewOverAViewAndInsertFromAView() throws Exception {
        message("CREATE VIEW big_kr AS SELECT doubled FROM big WHERE country = 'KR'");
        List<List<Object>> expected = SqlQueryIT.sorted(orders.stream().filter(o -> o.amount() >= 50
                && o.country().equals("KR")).map(o -> row(o.amount() * 2)).toList());
        assertEquals(expected, SqlQueryIT.sorted(rows("SELECT * FROM big_kr")));
        message("CREATE TABLE copy (doubled INT) WITH ('connector'='memory')");
        runToEnd("INSERT INTO copy SELECT STREAM doubled FROM big_kr", null);
        assertEquals(expected, SqlQueryIT.sorted(rows("SELECT * FROM copy")));
    }

    @Test
    void procTimeIsFixedForABoundedQueryAndWindowsByIt() {
        message("CREATE VIEW timed AS SELECT *, PROCTIME() AS p_time FROM orders");
        long before = System.currentTimeMillis();
        List<List<Object>> times = rows("SELECT COUNT(*), MIN(p_time), MAX(p_time) FROM timed");
        long after = System.currentTimeMillis();
        assertEquals((long) orders.size(), times.get(0).get(0));
        assertEquals(times.get(0).get(1), times.get(0).get(2), "one processing time for the whole query");
        long p = ((java.time.LocalDateTime) times.get(0).get(1)).toInstant(java.time.ZoneOffset.UTC).toEpochMilli();
        assertTrue(before <= p && p <= after, before + " <= " + p + " <= " + after);
        Map<String, Long> perCountry = new TreeMap<>();
        orders.forEach(o -> perCountry.merge(o.country(), 1L, Long::sum));
        List<List<Object>> windows = rows("SELECT country, COUNT(*), window_start FROM TABLE(TUMBLE(TABLE timed, "
                + "DESCRIPTOR(p_time), INTERVAL '10' SECOND)) GROUP BY country, window_start, window_end");
        assertEquals(asRows(perCountry), SqlQueryIT.sorted(windows.stream().map(r -> row(r.get(0), r.get(1))).toList()));
        // Continuously, it is each batch's logged time (ProcessingTimeWindowIT).
        String plan = message("EXPLAIN SELECT STREAM country, p_time FROM timed");
        assertTrue(plan.contains("PROCTIME() AS p_time"), plan);
    }

    @Test
    void viewsAreListedDescribedAndKeptAcrossSessions() {
        assertEquals(List.of(row("big", "SELECT country, amount * 2 AS doubled FROM orders WHERE amount >= 50")),
                rows("SHOW VIEWS"));
        assertEquals(List.of(row("country", "VARCHAR", true, "view", null, null),
                row("doubled", "INTEGER", true, "view", null, null)), rows("DESCRIBE big"));
        assertEquals("CREATE VIEW \"big\" AS SELECT country, amount * 2 AS doubled FROM orders WHERE amount >= 50",
                message("SHOW CREATE VIEW big"));
        reopenSession();
        assertEquals(expectedBig(), SqlQueryIT.sorted(rows("SELECT * FROM BIG")));
        assertEquals("View 'big' already exists; nothing created.",
                message("CREATE VIEW IF NOT EXISTS big AS SELECT 1 AS n FROM orders"));
        assertEquals("View 'big' dropped.", message("DROP VIEW big"));
        assertEquals("View 'big' does not exist; nothing dropped.", message("DROP VIEW IF EXISTS big"));
        reopenSession();
        assertEquals(List.of(), rows("SHOW VIEWS"));
        SluiceException e = assertThrows(SluiceException.class, () -> rows("SELECT * FROM big"));
        assertTrue(e.getMessage().contains("Object 'big' not found"), e.getMessage());
    }

    @Test
    void badViewsAreRefusedNamingTheViewAndWhatIsWrong() {
        SluiceException e = assertThrows(SluiceException.class, () -> message("CREATE VIEW v AS SELECT * FROM nowhere"));
        assertTrue(e.getMessage().contains("View 'v'") && e.getMessage().contains("Object 'nowhere' not found"),
                e.getMessage());
        e = assertThrows(SluiceException.class, () -> message("CREATE VIEW orders AS SELECT 1 AS n FROM big"));
        assertEquals("A table named 'orders' exists; a view can't have its name", e.getMessage());
        e = assertThrows(SluiceException.class, () -> message("CREATE TABLE big (x INT) WITH ('connector'='memory')"));
        assertEquals("A view named 'big' exists; a table can't have its name", e.getMessage());
        e = assertThrows(SluiceException.class, () -> message("CREATE VIEW big AS SELECT 1 AS n FROM orders"));
        assertEquals("View 'big' already exists", e.getMessage());
        // A view that would use itself: b over a, then a dropped and made over b.
        message("CREATE VIEW a AS SELECT country FROM orders");
        message("CREATE VIEW b AS SELECT country FROM a");
        message("DROP VIEW a");
        e = assertThrows(SluiceException.class, () -> message("CREATE VIEW a AS SELECT country FROM b"));
        assertTrue(e.getMessage().contains("View 'a' uses itself"), e.getMessage());
        e = assertThrows(SluiceException.class, () -> message("CREATE VIEW c (x) AS SELECT country FROM orders"));
        assertTrue(e.getMessage().contains("A column list in CREATE VIEW is not supported yet"), e.getMessage());
    }
}
