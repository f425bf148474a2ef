package dev.sluice.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.connectors.testing.SharedKafkaBroker;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** SQL semantics end to end: records produced to a real broker, queried through the session, exact rows. */
class SqlQueryIT extends KafkaSessionFixture {
    private String topic;

    @BeforeEach
    void setUp() {
        topic = SharedKafkaBroker.createTopic("orders", 2);
        SharedKafkaBroker.produce(topic, 0, 1_700_000_000_000L, "u1",
                "{\"id\": 1, \"user\": \"ann\", \"amount\": 10.5, \"qty\": 2, \"country\": \"kr\"}");
        SharedKafkaBroker.produce(topic, 0, 1_700_000_001_000L, "u2",
                "{\"id\": 2, \"user\": \"bob\", \"amount\": 99.0, \"qty\": 1, \"country\": null}");
        SharedKafkaBroker.produce(topic, 1, 1_700_000_002_000L, null,
                "{\"id\": 3, \"user\": \"Cy\", \"amount\": 50, \"qty\": 7}");
        SharedKafkaBroker.produce(topic, 1, 1_700_000_003_000L, "u4",
                "{\"id\": 4, \"user\": \"dee\", \"amount\": 0.25, \"qty\": 0, \"country\": \"us\", \"extra\": [1, 2]}");
        message("CREATE TABLE orders (id BIGINT, \"user\" VARCHAR, amount DOUBLE, qty INT, country VARCHAR) "
                + "WITH ('connector'='kafka', 'topic'='" + topic + "', 'format'='json')");
    }

    @Test
    void projectionFilterAndExpressions() {
        List<List<Object>> result = sorted(rows("""
                SELECT id, amount * qty AS total, UPPER("user") AS u,
                       CASE WHEN amount >= 50 THEN 'big' ELSE 'small' END AS size,
                       COALESCE(country, '??') AS c, CAST(qty AS VARCHAR) || 'x' AS q
                FROM orders WHERE qty > 0 OR country IS NULL"""));
        assertEquals(List.of(
                row(1L, 21.0, "ANN", "small", "kr", "2x"),
                row(2L, 99.0, "BOB", "big", "??", "1x"),
                row(3L, 350.0, "CY", "big", "??", "7x")), result);
    }

    @Test
    void nullSemantics() {
        // country is NULL for ids 2 and 3: comparisons with NULL are not true, so neither side keeps them.
        assertEquals(List.of(row(1L)), sorted(rows("SELECT id FROM orders WHERE country = 'kr'")));
        assertEquals(List.of(row(4L)), sorted(rows("SELECT id FROM orders WHERE country <> 'kr'")));
        assertEquals(List.of(row(1L, null), row(2L, false), row(3L, true), row(4L, null)), sorted(rows(
                "SELECT id, CASE WHEN country IS NULL THEN qty > 1 END FROM orders")));
        assertEquals(List.of(row(1L, 4), row(2L, null), row(3L, null), row(4L, 4)),
                sorted(rows("SELECT id, CHAR_LENGTH(\"user\") + CHAR_LENGTH(country) - 1 FROM orders")));
    }

    @Test
    void metadataColumns() {
        assertEquals(List.of(
                row(1L, 0, 0L, "u1", LocalDateTime.of(2023, 11, 14, 22, 13, 20)),
                row(2L, 0, 1L, "u2", LocalDateTime.of(2023, 11, 14, 22, 13, 21)),
                row(3L, 1, 0L, null, LocalDateTime.of(2023, 11, 14, 22, 13, 22)),
                row(4L, 1, 1L, "u4", LocalDateTime.of(2023, 11, 14, 22, 13, 23))),
                sorted(rows("SELECT id, \"partition\", \"offset\", \"key\", \"timestamp\" FROM orders")));
    }

    @Test
    void limitOnBoundedQuery() {
        List<List<Object>> all = rows("SELECT id FROM orders");
        assertEquals(4, all.size());
        // Rows come partition by partition, in offset order within a partition.
        assertEquals(List.of(row(1L), row(2L), row(3L)), rows("SELECT id FROM orders LIMIT 3"));
        assertEquals(List.of(row(2L), row(3L)), rows("SELECT id FROM orders LIMIT 2 OFFSET 1"));
    }

    @Test
    void unionAllOfTwoStreams() throws InterruptedException {
        String other = SharedKafkaBroker.createTopic("refunds", 1);
        SharedKafkaBroker.produce(other, 0, "r", "{\"order_id\": 2, \"reason\": \"broken\"}");
        message("CREATE TABLE refunds (order_id BIGINT, reason VARCHAR) "
                + "WITH ('connector'='kafka', 'topic'='" + other + "', 'format'='json')");
        message("SET trigger = once");
        List<List<Object>> result = sorted(streamRows("""
                SELECT STREAM id, 'order' AS kind FROM orders WHERE amount > 20
                UNION ALL
                SELECT STREAM order_id, reason FROM refunds"""));
        assertEquals(List.of(row(2L, "broken"), row(2L, "order"), row(3L, "order")), result);
    }

    @Test
    void continuousQueryIntoMemoryTableThenBoundedRead() throws InterruptedException {
        message("CREATE TABLE big (id BIGINT, who VARCHAR) WITH ('connector'='memory')");
        message("SET trigger = available-now");
        StreamingQuery q = runToEnd("INSERT INTO big SELECT STREAM id, LOWER(\"user\") FROM orders WHERE amount >= 50", null);
        assertTrue(q.exception().isEmpty());
        assertEquals(2, q.lastProgress().orElseThrow().outputRows());
        assertEquals(4, q.lastProgress().orElseThrow().inputRows());
        assertEquals(List.of(row(2L, "bob"), row(3L, "cy")), sorted(rows("SELECT * FROM big")));
    }

    @Test
    void continuousQueryPicksUpNewRecordsInLaterBatches() throws Exception {
        message("SET trigger = 200 ms");
        List<ResultBatch> batches = new java.util.concurrent.CopyOnWriteArrayList<>();
        StreamingQuery q = ((StatementResult.Query) sluice.execute(
                "SELECT STREAM id FROM orders WHERE qty >= 1", batches::add)).query();
        try {
            waitFor(() -> batches.stream().mapToInt(b -> b.rows().size()).sum() == 3);
            SharedKafkaBroker.produce(topic, 1, "u5", "{\"id\": 5, \"user\": \"eve\", \"amount\": 1, \"qty\": 3}");
            waitFor(() -> batches.stream().mapToInt(b -> b.rows().size()).sum() == 4);
        } finally {
            q.stop();
        }
        ResultBatch last = batches.get(batches.size() - 1);
        assertEquals(List.of(row(5L)), last.rows());
        assertTrue(last.batchId() >= 1, "new records arrive in a later batch");
        assertTrue(!q.isActive());
    }

    @Test
    void insertIntoKafkaTableWritesJson() throws InterruptedException {
        String out = SharedKafkaBroker.createTopic("out", 1);
        message("CREATE TABLE out_t (id BIGINT, label VARCHAR) WITH ('connector'='kafka', 'topic'='"
                + out + "', 'format'='json')");
        message("SET trigger = available-now");
        runToEnd("INSERT INTO out_t SELECT STREAM id, \"user\" || '!' FROM orders WHERE id <= 2", null);
        List<String> values = new ArrayList<>(SharedKafkaBroker.readValues(out));
        values.sort(Comparator.naturalOrder());
        assertEquals(List.of("{\"id\":1,\"label\":\"ann!\"}", "{\"id\":2,\"label\":\"bob!\"}"), values);
    }

    @Test
    void ddlShowAndDescribe() {
        assertEquals(List.of(row("orders", "kafka", topic)), rows("SHOW TABLES"));
        assertEquals(List.of(
                row("id", "BIGINT", true, "column", null, null),
                row("user", "VARCHAR", true, "column", null, null),
                row("amount", "DOUBLE", true, "column", null, null),
                row("qty", "INTEGER", true, "column", null, null),
                row("country", "VARCHAR", true, "column", null, null),
                row("partition", "INTEGER", false, "metadata", null, null),
                row("offset", "BIGINT", false, "metadata", null, null),
                row("timestamp", "TIMESTAMP", false, "metadata", null, null),
                row("key", "VARCHAR", true, "metadata", null, null),
                row("topic", "VARCHAR", false, "metadata", null, null)), rows("DESCRIBE orders"));
        // The catalog survives a restart of the session.
        sluice.close();
        assertEquals(List.of(row("orders", "kafka", topic)), rows("SHOW TABLES"));
        assertEquals("Table 'orders' dropped.", message("DROP TABLE orders"));
        assertEquals(List.of(), rows("SHOW TABLES"));
    }

    @Test
    void explainShowsLogicalAndPhysicalPlans() {
        String plan = message("EXPLAIN SELECT STREAM id FROM orders WHERE amount > 50");
        assertTrue(plan.contains("LogicalCalc"), plan);
        assertTrue(plan.contains("Physical plan (continuous, micro-batches)"), plan);
        assertTrue(plan.contains("Scan(table=orders, columns=[id, amount])"), plan);
    }

    static List<List<Object>> sorted(List<List<Object>> rows) {
        List<List<Object>> copy = new ArrayList<>(rows);
        copy.sort(Comparator.comparing(r -> String.valueOf(r.get(0)) + "|" + r));
        return copy;
    }

    static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 30 s");
            }
            Thread.sleep(50);
        }
    }
}
