package dev.sluice.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.connectors.testing.SharedKafkaBroker;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GROUP BY end to end: bounded, continuous with keyed state in the checkpoint, restarts, output modes. */
class AggregationIT extends KafkaSessionFixture {
    @TempDir
    Path out;

    private String topic;

    @BeforeEach
    void createSource() {
        topic = SharedKafkaBroker.createTopic("agg", 2);
        message("CREATE TABLE sales (country VARCHAR, amount DOUBLE, qty INT) WITH ('connector'='kafka', 'topic'='"
                + topic + "', 'format'='json')");
        message("SET trigger = available-now");
    }

    private void sale(int partition, String country, double amount, Integer qty) {
        SharedKafkaBroker.produce(topic, partition, null, "{\"country\": " + (country == null ? "null" : "\"" + country + "\"")
                + ", \"amount\": " + amount + ", \"qty\": " + qty + "}");
    }

    private void firstSales() {
        sale(0, "KR", 10.0, 1);
        sale(1, "KR", 30.0, 3);
        sale(0, "US", 5.5, null);
        sale(1, null, 1.0, 2);
    }

    @Test
    void boundedGroupByWithEveryAggregate() {
        firstSales();
        // sorted() orders by the text of the first value: "KR" < "US" < "null".
        assertEquals(List.of(
                row("KR", 2L, 4, 20.0, 10.0, 30.0, 2L),
                row("US", 1L, null, 5.5, 5.5, 5.5, 0L),
                row(null, 1L, 2, 1.0, 1.0, 1.0, 1L)), SqlQueryIT.sorted(rows("""
                SELECT country, COUNT(*), SUM(qty), AVG(amount), MIN(amount), MAX(amount), COUNT(qty)
                FROM sales GROUP BY country""")));
        assertEquals(List.of(row(2L, 2L)), rows("SELECT COUNT(DISTINCT country), COUNT(DISTINCT qty) FROM sales WHERE amount > 2"));
        assertEquals(List.of(row("KR", 40.0)),
                rows("SELECT country, SUM(amount) AS total FROM sales GROUP BY country HAVING SUM(amount) > 6"));
    }

    @Test
    void continuousGroupByUpdatesChangedGroupsAcrossRestarts() throws Exception {
        message("CREATE TABLE totals (country VARCHAR, n BIGINT, total DOUBLE) WITH ('connector'='memory')");
        String insert = "INSERT INTO totals SELECT STREAM country, COUNT(*), SUM(amount) FROM sales "
                + "WHERE country IS NOT NULL GROUP BY country";
        firstSales();
        runToEnd(insert, null);
        assertEquals(List.of(row("KR", 2L, 40.0), row("US", 1L, 5.5)), SqlQueryIT.sorted(rows("SELECT * FROM totals")));

        // A new run of the same query restores the state of the last batch from the checkpoint.
        sale(0, "US", 4.5, 1);
        sale(1, "JP", 7.0, 1);
        StreamingQuery q = runToEnd(insert, null);
        assertEquals(1, q.lastProgress().orElseThrow().batchId());
        assertEquals(2, q.lastProgress().orElseThrow().outputRows(), "update mode: only the changed groups");
        assertEquals(3, q.lastProgress().orElseThrow().stateRows(), "KR, US and JP are kept");
        assertTrue(q.lastProgress().orElseThrow().stateBytes() > 0);
        List<List<Object>> all = rows("SELECT * FROM totals");
        assertEquals(List.of(row("JP", 1L, 7.0), row("US", 2L, 10.0)), SqlQueryIT.sorted(all.subList(2, 4)));
    }

    @Test
    void completeModeEmitsEveryGroupAndEqualsTheBoundedQuery() throws Exception {
        message("CREATE TABLE everything (country VARCHAR, n BIGINT) WITH ('connector'='memory')");
        message("SET outputMode = complete");
        message("SET maxOffsetsPerTrigger = 2");
        firstSales();
        StreamingQuery q = runToEnd("INSERT INTO everything SELECT STREAM country, COUNT(*) FROM sales GROUP BY country", null);
        List<QueryProgress> batches = q.recentProgress();
        assertEquals(2, batches.size());
        // The memory table holds the last complete result only, as Spark's memory sink in complete mode: each
        // batch's result replaced the one before.
        List<List<Object>> table = rows("SELECT * FROM everything");
        assertEquals(batches.get(1).outputRows(), table.size());
        assertEquals(List.of(row("KR", 2L), row("US", 1L), row(null, 1L)), SqlQueryIT.sorted(table));
        // Differential check: the last complete result equals the bounded query over the same offsets.
        assertEquals(SqlQueryIT.sorted(rows("SELECT country, COUNT(*) FROM sales GROUP BY country")),
                SqlQueryIT.sorted(table));
    }

    @Test
    void crashBetweenSinkAndCommitReplaysTheSameAggregates() throws Exception {
        message("CREATE TABLE per_country (country VARCHAR, n BIGINT, total DOUBLE) WITH ('connector'='fail-once-file', "
                + "'path'='" + out + "', 'format'='json', 'fail.batch'='1', 'fail.when'='after-sink')");
        message("SET query.name = agg_restart");
        String insert = "INSERT INTO per_country SELECT STREAM country, COUNT(*), SUM(amount) FROM sales "
                + "WHERE country IS NOT NULL GROUP BY country";
        firstSales();
        runToEnd(insert, null);
        sale(0, "KR", 60.0, 1);
        message("SET query.name = agg_restart");
        StreamingQuery crashed = ((StatementResult.Query) sluice.execute(insert)).query();
        try {
            crashed.awaitTermination();
        } catch (SluiceException expected) {
            assertTrue(expected.getMessage().contains("injected crash after"));
        }
        sale(1, "KR", 100.0, 1);
        message("SET query.name = agg_restart");
        StreamingQuery restarted = runToEnd(insert, null);
        assertEquals(List.of(1L, 2L), restarted.recentProgress().stream().map(QueryProgress::batchId).toList());
        // Each batch's rows once, and the last value of KR is the total over all three batches.
        Map<String, String> last = new TreeMap<>();
        List<String> lines = FileSinkContents.committedLines(out.toString());
        for (String line : lines) {
            last.put(line.replaceAll(".*\"country\":\"(\\w+)\".*", "$1"), line);
        }
        assertEquals("{\"country\":\"KR\",\"n\":4,\"total\":200.0}", last.get("KR"));
        assertEquals(4, lines.size(), "batch 0: KR and US; batch 1: KR; batch 2: KR");
    }

    @Test
    void tumblingWindowsGroupByWindowAndKeyInUpdateMode() throws Exception {
        String clicks = SharedKafkaBroker.createTopic("windows", 1);
        message("CREATE TABLE clicks (ts TIMESTAMP, page VARCHAR) WITH ('connector'='kafka', 'topic'='" + clicks
                + "', 'format'='json')");
        message("CREATE TABLE per_window (window_start TIMESTAMP, window_end TIMESTAMP, page VARCHAR, n BIGINT) "
                + "WITH ('connector'='memory')");
        // Epoch millis in JSON decode into TIMESTAMP; 1700000000000 is 2023-11-14 22:13:20 UTC.
        long base = 1_700_000_000_000L;
        for (long offset : new long[] {0, 3_000, 9_999, 10_000, 25_000}) {
            SharedKafkaBroker.produce(clicks, 0, null, "{\"ts\": " + (base + offset) + ", \"page\": \"/a\"}");
        }
        SharedKafkaBroker.produce(clicks, 0, null, "{\"ts\": " + (base + 1_000) + ", \"page\": \"/b\"}");
        runToEnd("""
                INSERT INTO per_window
                SELECT STREAM TUMBLE_START(ts, INTERVAL '10' SECOND), TUMBLE_END(ts, INTERVAL '10' SECOND), page, COUNT(*)
                FROM clicks GROUP BY TUMBLE(ts, INTERVAL '10' SECOND), page""", null);
        java.time.LocalDateTime w0 = java.time.LocalDateTime.of(2023, 11, 14, 22, 13, 20);
        assertEquals(List.of(
                row(w0, w0.plusSeconds(10), "/a", 3L),
                row(w0, w0.plusSeconds(10), "/b", 1L),
                row(w0.plusSeconds(10), w0.plusSeconds(20), "/a", 1L),
                row(w0.plusSeconds(20), w0.plusSeconds(30), "/a", 1L)),
                rows("SELECT * FROM per_window").stream().sorted(java.util.Comparator.comparing(
                        (List<Object> r) -> r.get(0).toString()).thenComparing(r -> r.get(2).toString())).toList());
    }

    @Test
    void rowsBehindTheWatermarkAreDroppedAndCountedAcrossRestarts() throws Exception {
        String clicks = SharedKafkaBroker.createTopic("late", 1);
        message("CREATE TABLE clicks (ts TIMESTAMP, page VARCHAR, WATERMARK FOR ts AS ts - INTERVAL '5' SECOND) "
                + "WITH ('connector'='kafka', 'topic'='" + clicks + "', 'format'='json')");
        message("CREATE TABLE counts (window_start TIMESTAMP, n BIGINT) WITH ('connector'='memory')");
        long base = 1_700_000_000_000L;
        String insert = "INSERT INTO counts SELECT STREAM TUMBLE_START(ts, INTERVAL '10' SECOND), COUNT(*) FROM clicks "
                + "GROUP BY TUMBLE(ts, INTERVAL '10' SECOND)";
        for (long t : new long[] {0, 12_000}) {
            SharedKafkaBroker.produce(clicks, 0, null, "{\"ts\": " + (base + t) + ", \"page\": \"/a\"}");
        }
        message("SET query.name = late_rows");
        List<QueryProgress> firstRun = runToEnd(insert, null).recentProgress();
        QueryProgress first = firstRun.get(0);
        assertEquals(Long.MIN_VALUE, first.watermarkMillis(), "no watermark before the first batch");
        assertEquals(0, first.lateRows());
        // Batch 1 reads nothing: it applies the watermark after batch 0 (12 s - 5 s), evicting closed windows.
        assertEquals(List.of(0L, 1L), firstRun.stream().map(QueryProgress::batchId).toList());
        assertEquals(0, firstRun.get(1).inputRows());
        assertEquals(base + 7_000, firstRun.get(1).watermarkMillis());

        // Batch 2 is a new run: the watermark (12 s - 5 s) comes back from the checkpoint.
        for (long t : new long[] {3_000, 8_000, 20_000}) {
            SharedKafkaBroker.produce(clicks, 0, null, "{\"ts\": " + (base + t) + ", \"page\": \"/a\"}");
        }
        message("SET query.name = late_rows");
        QueryProgress second = runToEnd(insert, null).recentProgress().get(0);
        assertEquals(2, second.batchId());
        assertEquals(base + 7_000, second.watermarkMillis());
        assertEquals(1, second.lateRows(), "3 s is behind the 7 s watermark");
        assertTrue(second.toJson().contains("\"watermark\":\"2023-11-14T22:13:27Z\""), second.toJson());
        // The window [0 s, 10 s) counted 0 s and 8 s, not the late 3 s.
        java.time.LocalDateTime w0 = java.time.LocalDateTime.of(2023, 11, 14, 22, 13, 20);
        List<List<Object>> counts = rows("SELECT * FROM counts");
        assertEquals(row(w0, 2L), counts.stream().filter(r -> r.get(0).equals(w0)).reduce((a, b) -> b).orElseThrow());
    }

    @Test
    void appendModeEmitsEachWindowOnceWhenTheWatermarkPassesItsEnd() throws Exception {
        String clicks = SharedKafkaBroker.createTopic("append", 1);
        message("CREATE TABLE clicks (ts TIMESTAMP, page VARCHAR, WATERMARK FOR ts AS ts - INTERVAL '5' SECOND) "
                + "WITH ('connector'='kafka', 'topic'='" + clicks + "', 'format'='json')");
        message("CREATE TABLE closed (window_start TIMESTAMP, n BIGINT) WITH ('connector'='memory')");
        message("SET outputMode = append");
        long base = 1_700_000_000_000L;
        String insert = "INSERT INTO closed SELECT STREAM TUMBLE_START(ts, INTERVAL '10' SECOND), COUNT(*) FROM clicks "
                + "GROUP BY TUMBLE(ts, INTERVAL '10' SECOND)";
        java.time.LocalDateTime w0 = java.time.LocalDateTime.of(2023, 11, 14, 22, 13, 20);
        long[][] rounds = {{1_000, 4_000, 12_000}, {13_000, 22_000}, {31_000}};
        List<Long> stateRows = new java.util.ArrayList<>();
        for (long[] round : rounds) {
            for (long t : round) {
                SharedKafkaBroker.produce(clicks, 0, null, "{\"ts\": " + (base + t) + ", \"page\": \"/a\"}");
            }
            message("SET query.name = appender");
            stateRows.add(runToEnd(insert, null).lastProgress().orElseThrow().stateRows());
        }
        // Each run ends with a batch without input that applies the watermark after its data batch: 7 s
        // (nothing closed yet), then 17 s ([0 s, 10 s) closes with its 2 rows), then 26 s ([10 s, 20 s), 2 rows).
        assertEquals(List.of(row(w0, 2L), row(w0.plusSeconds(10), 2L)), rows("SELECT * FROM closed"));
        // The table-valued TUMBLE over the same offsets counts the same windows (all, bounded).
        assertEquals(SqlQueryIT.sorted(rows("SELECT TUMBLE_START(ts, INTERVAL '10' SECOND), COUNT(*) FROM clicks "
                + "GROUP BY TUMBLE(ts, INTERVAL '10' SECOND)")), SqlQueryIT.sorted(rows("SELECT window_start, "
                + "COUNT(*) FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(ts), INTERVAL '10' SECOND)) "
                + "GROUP BY window_start, window_end")));
        assertEquals(List.of(2L, 2L, 2L), stateRows, "open windows stay until they close: {0 s, 10 s}, {10 s, 20 s}, "
                + "{20 s, 30 s}");
    }

    private static final String HOP = "HOP(ts, INTERVAL '5' SECOND, INTERVAL '10' SECOND)";

    @Test
    void hoppingWindowsCountEachRowInEveryWindowItBelongsTo() throws Exception {
        String clicks = SharedKafkaBroker.createTopic("hop", 1);
        message("CREATE TABLE clicks (ts TIMESTAMP, page VARCHAR, WATERMARK FOR ts AS ts - INTERVAL '5' SECOND) "
                + "WITH ('connector'='kafka', 'topic'='" + clicks + "', 'format'='json')");
        message("CREATE TABLE hops (window_start TIMESTAMP, window_end TIMESTAMP, n BIGINT) WITH ('connector'='memory')");
        message("CREATE TABLE hops_tvf (window_start TIMESTAMP, window_end TIMESTAMP, n BIGINT) WITH ('connector'='memory')");
        String tableValued = "INSERT INTO hops_tvf SELECT STREAM window_start, window_end, COUNT(*) FROM TABLE(HOP(TABLE "
                + "clicks, DESCRIPTOR(ts), INTERVAL '5' SECOND, INTERVAL '10' SECOND)) GROUP BY window_start, window_end";
        long base = 1_700_000_000_000L;
        java.time.LocalDateTime w0 = java.time.LocalDateTime.of(2023, 11, 14, 22, 13, 20);
        long[][] rounds = {{1_000, 4_000, 12_000}, {13_000, 22_000}, {31_000}};
        String query = "SELECT STREAM HOP_START(ts, INTERVAL '5' SECOND, INTERVAL '10' SECOND), "
                + "HOP_END(ts, INTERVAL '5' SECOND, INTERVAL '10' SECOND), COUNT(*) FROM clicks GROUP BY " + HOP;
        message("SET outputMode = append");
        for (long[] round : rounds) {
            for (long t : round) {
                SharedKafkaBroker.produce(clicks, 0, null, "{\"ts\": " + (base + t) + ", \"page\": \"/a\"}");
            }
            message("SET query.name = hopper");
            runToEnd("INSERT INTO hops " + query, null);
            message("SET query.name = tvf_hopper");
            runToEnd(tableValued, null);
        }
        // Each row is in two windows of 10 s; append mode emits a window once the watermark (latest - 5 s)
        // passes its end, the last run's batch without input at 26 s too: [-5 s, 5 s) ... [15 s, 25 s).
        assertEquals(List.of(row(w0.minusSeconds(5), w0.plusSeconds(5), 2L), row(w0, w0.plusSeconds(10), 2L),
                row(w0.plusSeconds(5), w0.plusSeconds(15), 2L), row(w0.plusSeconds(10), w0.plusSeconds(20), 2L),
                row(w0.plusSeconds(15), w0.plusSeconds(25), 1L)), SqlQueryIT.sorted(rows("SELECT * FROM hops")));
        // The table-valued form (window_start and window_end as group keys) gives the same windows.
        assertEquals(SqlQueryIT.sorted(rows("SELECT * FROM hops")), SqlQueryIT.sorted(rows("SELECT * FROM hops_tvf")));

        // The bounded query over the same offsets counts every window, open ones too.
        assertEquals(List.of(row(w0.minusSeconds(5), 2L), row(w0, 2L), row(w0.plusSeconds(5), 2L),
                row(w0.plusSeconds(10), 2L), row(w0.plusSeconds(15), 1L), row(w0.plusSeconds(20), 1L),
                row(w0.plusSeconds(25), 1L), row(w0.plusSeconds(30), 1L)),
                SqlQueryIT.sorted(rows("SELECT HOP_START(ts, INTERVAL '5' SECOND, INTERVAL '10' SECOND), COUNT(*) "
                        + "FROM clicks GROUP BY " + HOP)));
        assertTrue(message("EXPLAIN " + query).contains("window=10000 ms hopping every 5000 ms on $f0"),
                message("EXPLAIN " + query));

        SluiceException e = org.junit.jupiter.api.Assertions.assertThrows(SluiceException.class, () -> rows(
                "SELECT COUNT(*) FROM clicks GROUP BY HOP(ts, INTERVAL '3' SECOND, INTERVAL '10' SECOND)"));
        assertTrue(e.getMessage().contains("HOP needs a size that is a multiple of its slide"), e.getMessage());
    }

    @Test
    void explainShowsHowAContinuousQueryRunsAndWhereItsStateLives() {
        message("CREATE TABLE totals (country VARCHAR, n BIGINT) WITH ('connector'='memory')");
        message("SET trigger = '5 s'");
        message("SET query.name = totals_q");
        String plan = message("EXPLAIN INSERT INTO totals SELECT STREAM country, COUNT(*) FROM sales "
                + "WHERE amount > 1 GROUP BY country");
        String checkpoint = home.resolve("checkpoints").resolve("totals_q").toUri().toString();
        assertTrue(plan.endsWith("""
                == Incremental execution ==
                Trigger: processing-time 5000 ms; output mode: update
                Operators, top-down; each batch's changes flow bottom-up:
                  Write to totals
                    FilterProject(project=[country AS country, EXPR$1 AS n]) [changes: upsert by [0]]
                      HashAggregate(group=[country], aggregates=[COUNT(*) AS EXPR$1], state=keyed by group), emits the groups each batch changed [changes: upsert by [0]; state: %s/state/aggregate keyed by [country]]
                        Tasks, one per partition (stateless): Scan sales -> FilterProject -> HashAggregate (partial) [changes: append]
                Checkpoint: %s (offsets logged before each batch, commits after; state versioned by batch id: a delta per batch, snapshots, old versions cleaned)
                """.formatted(checkpoint, checkpoint)), plan);
        assertEquals("totals_q", sluice.options().get(Sluice.QUERY_NAME), "EXPLAIN does not use up the query's name");
        assertFalse(message("EXPLAIN SELECT country FROM sales").contains("Incremental"), "bounded: no increments");
    }

    @Test
    void restartWithDifferentGroupingIsRefused() throws Exception {
        message("CREATE TABLE totals (k VARCHAR, n BIGINT) WITH ('connector'='memory')");
        firstSales();
        message("SET query.name = regrouped");
        runToEnd("INSERT INTO totals SELECT STREAM country, COUNT(*) FROM sales GROUP BY country", null);
        message("SET query.name = regrouped");
        SluiceException e = org.junit.jupiter.api.Assertions.assertThrows(SluiceException.class, () -> sluice.execute(
                "INSERT INTO totals SELECT STREAM CAST(qty AS VARCHAR), COUNT(*) FROM sales GROUP BY CAST(qty AS VARCHAR)"));
        assertTrue(e.getMessage().contains("Query 'regrouped' can't restart from its checkpoint"), e.getMessage());
        assertTrue(e.getMessage().contains("group=[country]"), e.getMessage());
        // The same query restarts fine.
        message("SET query.name = regrouped");
        runToEnd("INSERT INTO totals SELECT STREAM country, COUNT(*) FROM sales GROUP BY country", null);
    }

    @Test
    void outputModesAreChecked() {
        message("CREATE TABLE t (country VARCHAR) WITH ('connector'='memory')");
        message("SET outputMode = complete");
        SluiceException e = org.junit.jupiter.api.Assertions.assertThrows(SluiceException.class,
                () -> sluice.execute("INSERT INTO t SELECT STREAM country FROM sales"));
        assertTrue(e.getMessage().contains("'complete' needs a GROUP BY"), e.getMessage());
        message("SET outputMode = append");
        message("CREATE TABLE c (country VARCHAR, n BIGINT) WITH ('connector'='memory')");
        e = org.junit.jupiter.api.Assertions.assertThrows(SluiceException.class,
                () -> sluice.execute("INSERT INTO c SELECT STREAM country, COUNT(*) FROM sales GROUP BY country"));
        assertTrue(e.getMessage().contains("'append' needs a GROUP BY over a TUMBLE window of a table with a WATERMARK"),
                e.getMessage());
    }
}
