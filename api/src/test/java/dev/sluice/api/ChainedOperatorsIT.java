package dev.sluice.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.connectors.testing.SharedKafkaBroker;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Plans with several stateful operators, one above another (a window aggregate over a window aggregate, a
 * join of two window aggregates, a window aggregate over an interval join), run over several batches on the
 * real broker and checked against the same results computed in plain Java over the input.
 */
class ChainedOperatorsIT extends KafkaSessionFixture {
    private static final long BASE = 1_700_000_000_000L;  // 2023-11-14T22:13:20Z, a multiple of 10 s
    private static final long WINDOW = 10_000;
    private static final int ROUNDS = 8;
    /** How far event time moves per round: less than the join's bound, so pairs can come after the watermark. */
    private static final int SPAN = 3_000;

    /** Every event but the two that only move the watermark on: {table, auction/ad, millis since BASE}. */
    private final List<long[]> bids = new ArrayList<>();
    private final List<long[]> clicks = new ArrayList<>();
    private final List<long[]> impressions = new ArrayList<>();
    /** The progress of the last batch the last {@link #runRounds} ran. */
    private QueryProgress lastProgress;
    private String bidTopic;
    private String clickTopic;
    private String impressionTopic;

    @BeforeEach
    void createTables() {
        bidTopic = SharedKafkaBroker.createTopic("chainbids", 2);
        clickTopic = SharedKafkaBroker.createTopic("chainclicks", 2);
        impressionTopic = SharedKafkaBroker.createTopic("chainimpr", 2);
        message("CREATE TABLE bids (auction BIGINT, price BIGINT, ts TIMESTAMP, WATERMARK FOR ts AS ts - INTERVAL '2' "
                + "SECOND) WITH ('connector'='kafka', 'topic'='" + bidTopic + "', 'format'='json')");
        for (String[] t : new String[][] {{"clicks", clickTopic}, {"impressions", impressionTopic}}) {
            message("CREATE TABLE " + t[0] + " (ad_id BIGINT, ts TIMESTAMP, WATERMARK FOR ts AS ts - INTERVAL '2' "
                    + "SECOND) WITH ('connector'='kafka', 'topic'='" + t[1] + "', 'format'='json')");
        }
        message("SET trigger = available-now");
        message("SET outputMode = append");
    }

    /**
     * Round r's events, at or after (r * SPAN - 2 s): none is behind the watermark of the batch that reads them
     * (the previous round's largest time, below r * SPAN, minus 2 s), but some come just after it; the last two
     * rounds move the watermark far ahead.
     */
    private void round(int r, Random random) {
        if (r >= ROUNDS) {
            long far = 1_000_000 + r;  // closes every window above; not part of any expected result
            produce(bidTopic, 0, "{\"auction\": 999, \"price\": 0, \"ts\": " + (BASE + far) + "}");
            produce(clickTopic, 0, "{\"ad_id\": 999, \"ts\": " + (BASE + far) + "}");
            produce(impressionTopic, 0, "{\"ad_id\": 998, \"ts\": " + (BASE + far) + "}");
            return;
        }
        for (int i = 0; i < 30; i++) {
            long t = r * (long) SPAN - 2_000 + random.nextInt(SPAN + 2_000);
            long auction = random.nextInt(5);
            long price = 1 + random.nextInt(100);
            bids.add(new long[] {auction, price, t});
            produce(bidTopic, random.nextInt(2), "{\"auction\": " + auction + ", \"price\": " + price + ", \"ts\": "
                    + (BASE + t) + "}");
        }
        for (int i = 0; i < 30; i++) {
            long ad = random.nextInt(3);
            long shown = r * (long) SPAN - 2_000 + random.nextInt(SPAN + 2_000);
            impressions.add(new long[] {ad, shown});
            produce(impressionTopic, random.nextInt(2), "{\"ad_id\": " + ad + ", \"ts\": " + (BASE + shown) + "}");
            long clicked = r * (long) SPAN - 2_000 + random.nextInt(SPAN + 2_000);
            clicks.add(new long[] {ad, clicked});
            produce(clickTopic, random.nextInt(2), "{\"ad_id\": " + ad + ", \"ts\": " + (BASE + clicked) + "}");
        }
    }

    private static void produce(String topic, int partition, String json) {
        SharedKafkaBroker.produce(topic, partition, null, json);
    }

    /** Runs {@code insert} once per round (each run reads that round's events in one batch). */
    private List<List<Object>> runRounds(String name, String table, String insert) throws Exception {
        Random random = new Random(42);
        for (int r = 0; r < ROUNDS + 2; r++) {
            round(r, random);
            StreamingQuery q = runNamed(name, insert);
            assertTrue(q.exception().isEmpty(), () -> q.exception().get().getMessage());
            lastProgress = q.lastProgress().orElse(lastProgress);
        }
        return SqlQueryIT.sorted(rows("SELECT * FROM " + table));
    }

    private static LocalDateTime time(long millisSinceBase) {
        return LocalDateTime.of(2023, 11, 14, 22, 13, 20).plusNanos(millisSinceBase * 1_000_000);
    }

    private static long windowOf(long t) {
        return Math.floorDiv(t, WINDOW) * WINDOW;
    }

    @Test
    void aWindowAggregateOverAWindowAggregate() throws Exception {
        message("CREATE TABLE hottest (ws TIMESTAMP, we TIMESTAMP, top BIGINT, auctions BIGINT) WITH ('connector'='memory')");
        String insert = """
                INSERT INTO hottest SELECT STREAM ws, we, MAX(num), COUNT(*) FROM (
                  SELECT auction, window_start AS ws, window_end AS we, COUNT(*) AS num
                  FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '10' SECOND))
                  GROUP BY auction, window_start, window_end)
                GROUP BY ws, we""";
        List<List<Object>> actual = runRounds("hottest_q", "hottest", insert);
        // Reference: bids per auction and window, then per window the largest count and the auctions.
        Map<Long, Map<Long, Long>> perWindow = new TreeMap<>();
        for (long[] b : bids) {
            perWindow.computeIfAbsent(windowOf(b[2]), w -> new HashMap<>()).merge(b[0], 1L, Long::sum);
        }
        List<List<Object>> expected = new ArrayList<>();
        perWindow.forEach((w, counts) -> expected.add(row(time(w), time(w + WINDOW),
                counts.values().stream().mapToLong(Long::longValue).max().orElseThrow(), (long) counts.size())));
        assertEquals(SqlQueryIT.sorted(expected), actual);
        assertTrue(expected.size() >= 4, "several windows: " + expected);
        String plan = message("EXPLAIN " + insert);
        assertTrue(plan.contains("/state/aggregate keyed by"), plan);
        assertTrue(plan.contains("/state/aggregate-2 keyed by"), plan);
        // Each operator's state in the progress: the inner one keeps the open window's groups per auction, the
        // outer one its open windows; together the total.
        List<QueryProgress.OperatorState> states = lastProgress.stateOperators();
        assertEquals(List.of("aggregate", "aggregate-2"), states.stream().map(QueryProgress.OperatorState::operator).toList());
        assertEquals(lastProgress.stateRows(), states.stream().mapToLong(QueryProgress.OperatorState::rows).sum());
    }

    @Test
    void aJoinOfTwoWindowAggregates() throws Exception {
        message("CREATE TABLE shares (ws TIMESTAMP, auction BIGINT, num BIGINT, total BIGINT) WITH ('connector'='memory')");
        String insert = """
                INSERT INTO shares SELECT STREAM a.ws, a.auction, a.num, b.total FROM (
                  SELECT auction, window_start AS ws, window_end AS we, COUNT(*) AS num
                  FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '10' SECOND))
                  GROUP BY auction, window_start, window_end) a
                JOIN (
                  SELECT window_start AS ws, window_end AS we, SUM(price) AS total
                  FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '10' SECOND))
                  GROUP BY window_start, window_end) b
                ON a.ws = b.ws AND a.we = b.we""";
        List<List<Object>> actual = runRounds("shares_q", "shares", insert);
        Map<Long, Map<Long, Long>> counts = new TreeMap<>();
        Map<Long, Long> totals = new TreeMap<>();
        for (long[] b : bids) {
            counts.computeIfAbsent(windowOf(b[2]), w -> new TreeMap<>()).merge(b[0], 1L, Long::sum);
            totals.merge(windowOf(b[2]), b[1], Long::sum);
        }
        List<List<Object>> expected = new ArrayList<>();
        counts.forEach((w, perAuction) -> perAuction.forEach((auction, n) ->
                expected.add(row(time(w), auction, n, totals.get(w)))));
        assertEquals(SqlQueryIT.sorted(expected), actual);
        String plan = message("EXPLAIN " + insert);
        assertTrue(plan.contains("StreamJoin(keys=[ws = ws, we = we]"), plan);
    }

    @Test
    void aWindowAggregateJoinedWithAStaticTable() throws Exception {
        String names = SharedKafkaBroker.createTopic("chainnames", 1);
        for (int a = 0; a < 4; a++) {  // auction 4 has no name: the inner join leaves its windows out
            produce(names, 0, "{\"auction\": " + a + ", \"name\": \"item-" + a + "\"}");
        }
        message("CREATE TABLE names (auction BIGINT, name VARCHAR) WITH ('connector'='kafka', 'topic'='" + names
                + "', 'format'='json', 'static'='true')");
        message("CREATE TABLE named (ws TIMESTAMP, name VARCHAR, num BIGINT) WITH ('connector'='memory')");
        String insert = """
                INSERT INTO named SELECT STREAM w.ws, n.name, w.num FROM (
                  SELECT auction, window_start AS ws, COUNT(*) AS num
                  FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '10' SECOND))
                  GROUP BY auction, window_start, window_end) w
                JOIN names n ON w.auction = n.auction""";
        List<List<Object>> actual = runRounds("named_q", "named", insert);
        Map<Long, Map<Long, Long>> perWindow = new TreeMap<>();
        for (long[] b : bids) {
            perWindow.computeIfAbsent(windowOf(b[2]), w -> new TreeMap<>()).merge(b[0], 1L, Long::sum);
        }
        List<List<Object>> expected = new ArrayList<>();
        perWindow.forEach((w, counts) -> counts.forEach((auction, n) -> {
            if (auction < 4) {
                expected.add(row(time(w), "item-" + auction, n));
            }
        }));
        assertEquals(SqlQueryIT.sorted(expected), actual);
        String plan = message("EXPLAIN " + insert);
        assertTrue(plan.contains("the build side (below, first) taken whole each batch"), plan);
    }

    @Test
    void aWindowAggregateOverAnIntervalJoin() throws Exception {
        message("CREATE TABLE converted (ws TIMESTAMP, pairs BIGINT) WITH ('connector'='memory')");
        String insert = """
                INSERT INTO converted SELECT STREAM TUMBLE_START(shown, INTERVAL '10' SECOND), COUNT(*) FROM (
                  SELECT i.ts AS shown FROM clicks c JOIN impressions i
                  ON c.ad_id = i.ad_id AND c.ts BETWEEN i.ts AND i.ts + INTERVAL '5' SECOND)
                GROUP BY TUMBLE(shown, INTERVAL '10' SECOND)""";
        List<List<Object>> actual = runRounds("converted_q", "converted", insert);
        Map<Long, Long> perWindow = new TreeMap<>();
        for (long[] c : clicks) {
            for (long[] i : impressions) {
                if (c[0] == i[0] && c[1] >= i[1] && c[1] <= i[1] + 5_000) {
                    perWindow.merge(windowOf(i[1]), 1L, Long::sum);
                }
            }
        }
        List<List<Object>> expected = new ArrayList<>();
        perWindow.forEach((w, n) -> expected.add(row(time(w), n)));
        assertEquals(SqlQueryIT.sorted(expected), actual);
        assertTrue(expected.size() >= 3, "several windows: " + expected);
        // A pair comes when its click does, up to 5 s after its impression: the window of the impression's time
        // must wait that much longer than the watermark, or a pair would find its window closed.
        String plan = message("EXPLAIN " + insert);
        assertTrue(plan.contains("watermark: its inputs' minus 5000 ms"), plan);
    }

    @Test
    void rowsLateForTheJoinAreCountedForTheJoinInTheProgress() throws Exception {
        message("CREATE TABLE shown_late (ws TIMESTAMP, pairs BIGINT) WITH ('connector'='memory')");
        String insert = """
                INSERT INTO shown_late SELECT STREAM TUMBLE_START(shown, INTERVAL '10' SECOND), COUNT(*) FROM (
                  SELECT i.ts AS shown FROM clicks c JOIN impressions i
                  ON c.ad_id = i.ad_id AND c.ts BETWEEN i.ts AND i.ts + INTERVAL '5' SECOND)
                GROUP BY TUMBLE(shown, INTERVAL '10' SECOND)""";
        // Run 1: an impression at 1 s clicked at 3 s, and every partition of both tables at 30 s: the watermark
        // becomes 28 s.
        produce(impressionTopic, 0, "{\"ad_id\": 1, \"ts\": " + (BASE + 1_000) + "}");
        produce(clickTopic, 0, "{\"ad_id\": 1, \"ts\": " + (BASE + 3_000) + "}");
        for (int p = 0; p < 2; p++) {
            produce(impressionTopic, p, "{\"ad_id\": 7, \"ts\": " + (BASE + 30_000) + "}");
            produce(clickTopic, p, "{\"ad_id\": 8, \"ts\": " + (BASE + 30_000) + "}");
        }
        StreamingQuery first = runNamed("late_q", insert);
        assertTrue(first.exception().isEmpty(), () -> first.exception().get().getMessage());
        assertEquals(0, first.recentProgress().stream().mapToLong(QueryProgress::lateRows).sum());
        // Run 2: three clicks and two impressions behind the 28 s watermark (late for the join, whose tasks drop
        // them), one click that is not.
        for (int i = 0; i < 3; i++) {
            produce(clickTopic, i % 2, "{\"ad_id\": 1, \"ts\": " + (BASE + 2_000 + i) + "}");
        }
        for (int i = 0; i < 2; i++) {
            produce(impressionTopic, i % 2, "{\"ad_id\": 1, \"ts\": " + (BASE + 1_500 + i) + "}");
        }
        produce(clickTopic, 0, "{\"ad_id\": 7, \"ts\": " + (BASE + 31_000) + "}");
        StreamingQuery second = runNamed("late_q", insert);
        assertTrue(second.exception().isEmpty(), () -> second.exception().get().getMessage());
        Map<String, Long> lateByOperator = new TreeMap<>();
        for (QueryProgress p : second.recentProgress()) {
            p.stateOperators().forEach(o -> lateByOperator.merge(o.operator(), o.lateRows(), Long::sum));
        }
        assertEquals(Map.of("join", 5L, "aggregate", 0L), lateByOperator);
        assertEquals(5, second.recentProgress().stream().mapToLong(QueryProgress::lateRows).sum());
        QueryProgress withLate = second.recentProgress().stream().filter(p -> p.lateRows() > 0).findFirst().orElseThrow();
        // The progress JSON shows them per operator too.
        Map<String, Long> inJson = new TreeMap<>();
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(withLate.toJson()).get("stateOperators")
                .forEach(o -> inJson.put(o.get("operator").asText(), o.get("lateRows").asLong()));
        assertEquals(Map.of("join", 5L, "aggregate", 0L), inJson, withLate.toJson());
        // The late rows joined nothing: the one window the watermark closed counts the one pair of run 1, and the
        // window of 30 s (7's impressions and its click at 31 s) is still open.
        assertEquals(List.of(row(time(0), 1L)), rows("SELECT * FROM shown_late"));
    }
}
