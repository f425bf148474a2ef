package dev.sluice.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.connectors.testing.SharedKafkaBroker;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Flink-style DDL end to end over the real broker: computed columns (an event time computed from epoch
 * milliseconds drives a watermarked window), primary keys, and SELECT * without the metadata columns.
 */
class TableDdlIT extends KafkaSessionFixture {
    private static final long BASE = 1_700_000_000_000L;  // 2023-11-14T22:13:20Z
    private static final long WINDOW = 10_000;
    private static final long DELAY = 5_000;

    private static LocalDateTime utc(long epochMillis) {
        return LocalDateTime.ofInstant(Instant.ofEpochMilli(epochMillis), ZoneOffset.UTC);
    }

    private String createBids() {
        String topic = SharedKafkaBroker.createTopic("ddlbid", 1);
        message("CREATE TABLE bid (auction BIGINT, price BIGINT, price_eur AS price * 0.9, dateTime BIGINT, "
                + "event_time AS TO_TIMESTAMP_LTZ(dateTime, 3), "
                + "WATERMARK FOR event_time AS event_time - INTERVAL '5' SECOND) "
                + "WITH ('connector'='kafka', 'topic'='" + topic + "', 'format'='json')");
        return topic;
    }

    private static void bid(String topic, long auction, long price, long offsetMillis) {
        SharedKafkaBroker.produce(topic, 0, null, "{\"auction\": " + auction + ", \"price\": " + price
                + ", \"dateTime\": " + (BASE + offsetMillis) + "}");
    }

    @Test
    void aComputedEventTimeDrivesATumblingWindowWithAWatermark() throws Exception {
        String topic = createBids();
        message("CREATE TABLE per_window (window_start TIMESTAMP, n BIGINT, total BIGINT) WITH ('connector'='memory')");
        message("SET trigger = available-now");
        message("SET outputMode = append");
        // Each round is one batch: {auction, price, event time offset}.
        long[][][] rounds = {
                {{1, 10, 1_000}, {2, 20, 4_000}, {3, 30, 12_000}},
                {{4, 40, 13_000}, {5, 50, 22_000}, {6, 60, 3_000}},  // 3 s is behind the watermark (7 s): late
                {{7, 70, 31_000}},
                {{8, 80, 33_000}, {9, 90, 29_000}}};  // 29 s is not late (watermark 26 s)
        String insert = "INSERT INTO per_window SELECT STREAM TUMBLE_START(event_time, INTERVAL '10' SECOND), "
                + "COUNT(*), SUM(price) FROM bid GROUP BY TUMBLE(event_time, INTERVAL '10' SECOND)";
        long late = 0;
        for (long[][] round : rounds) {
            for (long[] b : round) {
                bid(topic, b[0], b[1], b[2]);
            }
            StreamingQuery q = runNamed("windows", insert);
            assertTrue(q.exception().isEmpty(), () -> q.exception().get().getMessage());
            late += q.recentProgress().stream().mapToLong(QueryProgress::lateRows).sum();
        }
        // The reference, in plain Java: the watermark after each batch is the largest event time seen minus
        // 5 s; a batch drops rows behind the watermark it runs with, and a window is emitted once a watermark
        // passes its end. (The last watermark, 28 s, closes no window, so the result is the same whether a run
        // ends with a batch that applies its last watermark or not.)
        long watermark = Long.MIN_VALUE;
        long expectedLate = 0;
        TreeMap<Long, long[]> open = new TreeMap<>();
        List<List<Object>> expected = new ArrayList<>();
        for (long[][] round : rounds) {
            long max = Long.MIN_VALUE;
            for (long[] b : round) {
                long t = BASE + b[2];
                max = Math.max(max, t);
                if (watermark != Long.MIN_VALUE && t < watermark) {
                    expectedLate++;
                    continue;
                }
                long[] agg = open.computeIfAbsent(t - Math.floorMod(t, WINDOW), k -> new long[2]);
                agg[0]++;
                agg[1] += b[1];
            }
            watermark = Math.max(watermark, max - DELAY);
            while (!open.isEmpty() && open.firstKey() + WINDOW <= watermark) {
                Map.Entry<Long, long[]> closed = open.pollFirstEntry();
                expected.add(row(utc(closed.getKey()), closed.getValue()[0], closed.getValue()[1]));
            }
        }
        assertEquals(2, expected.size(), "the data closes two windows: " + expected);
        assertEquals(expected, SqlQueryIT.sorted(rows("SELECT * FROM per_window")));
        assertEquals(expectedLate, late);
        assertEquals(1, late);
        String plan = message("EXPLAIN " + insert);
        assertTrue(plan.contains("Scan(table=bid, columns=[price, event_time])"), plan);
    }

    @Test
    void computedColumnsAreReadLikeColumnsAndShownWithTheirExpression() {
        String topic = createBids();
        bid(topic, 1, 10, 1_500);
        bid(topic, 2, 25, -2_000);
        SharedKafkaBroker.produce(topic, 0, null, "{\"auction\": 3}");  // no price, no dateTime: NULL computed values
        assertEquals(List.of(
                row(1L, 10L, 9.0, BASE + 1_500, utc(BASE + 1_500)),
                row(2L, 25L, 22.5, BASE - 2_000, utc(BASE - 2_000)),
                row(3L, null, null, null, null)), SqlQueryIT.sorted(rows("SELECT * FROM bid")));
        assertEquals(List.of(row(2L, 1L)), rows("SELECT auction, \"offset\" FROM bid WHERE event_time < "
                + "TIMESTAMP '2023-11-14 22:13:20'"));
        assertEquals(List.of(
                row("auction", "BIGINT", true, "column", null, null),
                row("price", "BIGINT", true, "column", null, null),
                row("price_eur", "DOUBLE", true, "computed", null, "AS price * 0.9"),
                row("dateTime", "BIGINT", true, "column", null, null),
                row("event_time", "TIMESTAMP", true, "computed", null,
                        "AS TO_TIMESTAMP_LTZ(dateTime, 3); WATERMARK FOR event_time AS event_time - INTERVAL '5' SECOND"),
                row("partition", "INTEGER", false, "metadata", null, null),
                row("offset", "BIGINT", false, "metadata", null, null),
                row("timestamp", "TIMESTAMP", false, "metadata", null, null),
                row("key", "VARCHAR", true, "metadata", null, null),
                row("topic", "VARCHAR", false, "metadata", null, null)), rows("DESCRIBE bid"));
        // An INSERT writes the physical columns only.
        SluiceException e = assertThrows(SluiceException.class,
                () -> sluice.execute("INSERT INTO bid SELECT STREAM * FROM bid"));
        assertTrue(e.getMessage().contains("the query has 5 columns, the table has 3 [auction, price, dateTime]"),
                e.getMessage());
    }

    @Test
    void aComputedColumnThatFailsNamesItsTableColumnAndPartition() {
        String topic = SharedKafkaBroker.createTopic("ddlratio", 1);
        message("CREATE TABLE t (a INT, b INT, ratio AS a / b) WITH ('connector'='kafka', 'topic'='" + topic
                + "', 'format'='json')");
        SharedKafkaBroker.produce(topic, 0, null, "{\"a\": 6, \"b\": 3}");
        SharedKafkaBroker.produce(topic, 0, null, "{\"a\": 1, \"b\": 0}");
        assertEquals(List.of(row(6, 3)), rows("SELECT a, b FROM t WHERE b > 0"));
        SluiceException e = assertThrows(SluiceException.class, () -> rows("SELECT ratio FROM t"));
        assertTrue(e.getMessage().contains("Computed column 'ratio' of table 't' failed in " + topic + "-0, "
                + "offsets 0 to 2: division by zero in (a / b)"), e.getMessage());
        e = assertThrows(SluiceException.class, () -> sluice.execute("CREATE TABLE u (a INT, c AS a + nope) "
                + "WITH ('connector'='memory')"));
        assertTrue(e.getMessage().contains("The computed column 'c' of table 'u' (a + nope): Column 'nope' not found"),
                e.getMessage());
    }

    @Test
    void primaryKeysAndComputedColumnsSurviveARestartAndShowCreateTableRecreatesThem() {
        String ddl = "CREATE TABLE users (id BIGINT, region VARCHAR, name VARCHAR, "
                + "upper_name AS UPPER(name), PRIMARY KEY (id, region) NOT ENFORCED) WITH ('connector'='memory')";
        message(ddl);
        reopenSession();
        List<List<Object>> described = rows("DESCRIBE users");
        assertEquals(List.of(
                row("id", "BIGINT", false, "column", "PRI", null),
                row("region", "VARCHAR", false, "column", "PRI", null),
                row("name", "VARCHAR", true, "column", null, null),
                row("upper_name", "VARCHAR", true, "computed", null, "AS UPPER(name)")), described);
        String created = message("SHOW CREATE TABLE users");
        assertEquals("""
                CREATE TABLE users (
                  id BIGINT,
                  region VARCHAR,
                  name VARCHAR,
                  upper_name AS UPPER(name),
                  PRIMARY KEY (id, region) NOT ENFORCED
                ) WITH (
                  'connector' = 'memory'
                )""", created);
        message("DROP TABLE users");
        message(created);
        assertEquals(described, rows("DESCRIBE users"));
        SluiceException e = assertThrows(SluiceException.class, () -> sluice.execute(
                "CREATE TABLE v (id BIGINT, PRIMARY KEY (nope) NOT ENFORCED) WITH ('connector'='memory')"));
        assertTrue(e.getMessage().contains("The primary key of table 'v' names column 'nope', which it does not declare"),
                e.getMessage());
    }

    /** SELECT * leaves the metadata columns out, so a copy between tables of one declared schema just works. */
    @Test
    void insertSelectStarCopiesRowsBetweenTablesOfTheSameSchema() throws Exception {
        String source = SharedKafkaBroker.createTopic("ddlsrc", 2);
        String copy = SharedKafkaBroker.createTopic("ddlcopy", 1);
        String columns = "(id BIGINT, name VARCHAR, amount DOUBLE, qty INT, at TIMESTAMP)";
        message("CREATE TABLE src " + columns + " WITH ('connector'='kafka', 'topic'='" + source + "', 'format'='json')");
        message("CREATE TABLE copy " + columns + " WITH ('connector'='kafka', 'topic'='" + copy + "', 'format'='json', "
                + "'properties.isolation.level'='read_committed')");
        List<List<Object>> input = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String name = i % 7 == 0 ? null : "n" + i;
            Integer qty = i % 5 == 0 ? null : i * 3;
            long at = BASE + i * 1_000L;
            SharedKafkaBroker.produce(source, i % 2, null, "{\"id\": " + i + ", \"name\": "
                    + (name == null ? "null" : "\"" + name + "\"") + ", \"amount\": " + (i * 1.25) + ", \"qty\": " + qty
                    + ", \"at\": " + at + "}");
            input.add(row((long) i, name, i * 1.25, qty, utc(at)));
        }
        assertEquals(5, rows("SELECT * FROM src LIMIT 1").get(0).size(), "no metadata columns in *");
        message("SET trigger = available-now");
        StreamingQuery q = runNamed("copier", "INSERT INTO copy SELECT STREAM * FROM src");
        assertTrue(q.exception().isEmpty(), () -> q.exception().get().getMessage());
        assertEquals(SqlQueryIT.sorted(input), SqlQueryIT.sorted(rows("SELECT * FROM copy")));
        // Metadata columns are still there by name, also beside a star.
        assertEquals(List.of(row(0, 0L, 0L)), rows("SELECT \"partition\", \"offset\", s.id FROM src s WHERE s.id = 0"));
        assertEquals(6, rows("SELECT \"offset\", * FROM src LIMIT 1").get(0).size());
    }
}
