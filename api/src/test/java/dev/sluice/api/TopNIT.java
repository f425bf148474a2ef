package dev.sluice.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.connectors.testing.SharedKafkaBroker;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ORDER BY on bounded queries and Top-N (ROW_NUMBER / RANK / DENSE_RANK filtered to the first ranks), checked
 * against the same results computed in plain Java over the input.
 */
class TopNIT extends KafkaSessionFixture {
    private static final long BASE = 1_700_000_000_000L;  // a multiple of 10 s
    private static final LocalDateTime T0 = LocalDateTime.of(2023, 11, 14, 22, 13, 20);
    private static final int ROUNDS = 5;

    /** {auction, price, millis since BASE} of every bid but the last, which only moves the watermark. */
    private final List<long[]> bids = new ArrayList<>();
    private String topic;

    @BeforeEach
    void createTable() {
        topic = SharedKafkaBroker.createTopic("topnbids", 2);
        message("CREATE TABLE bids (auction BIGINT, price BIGINT, ts TIMESTAMP, WATERMARK FOR ts AS ts - INTERVAL '1' "
                + "SECOND) WITH ('connector'='kafka', 'topic'='" + topic + "', 'format'='json')");
    }

    private void round(int r, Random random) {
        for (int i = 0; i < 40; i++) {
            long t = r * 4_000L + random.nextInt(4_000);
            long auction = random.nextInt(6);
            long price = random.nextInt(30);  // ties on purpose
            bids.add(new long[] {auction, price, t});
            SharedKafkaBroker.produce(topic, random.nextInt(2), null, "{\"auction\": " + auction + ", \"price\": "
                    + price + ", \"ts\": " + (BASE + t) + "}");
        }
    }

    private void allRounds() {
        Random random = new Random(7);
        for (int r = 0; r < ROUNDS; r++) {
            round(r, random);
        }
    }

    @Test
    void orderByWithLimitAndOffsetOnABoundedQuery() {
        allRounds();
        List<long[]> sorted = new ArrayList<>(bids);
        sorted.sort(Comparator.<long[]>comparingLong(b -> -b[1]).thenComparingLong(b -> b[0])
                .thenComparingLong(b -> b[2]));
        List<List<Object>> expected = new ArrayList<>();
        for (long[] b : sorted.subList(3, 13)) {
            expected.add(row(b[0], b[1], T0.plusNanos(b[2] * 1_000_000)));
        }
        assertEquals(expected, rows("SELECT auction, price, ts FROM bids ORDER BY price DESC, auction, ts "
                + "LIMIT 10 OFFSET 3"));
        List<List<Object>> all = rows("SELECT price FROM bids ORDER BY price");
        assertEquals(bids.size(), all.size());
        for (int i = 1; i < all.size(); i++) {
            assertTrue((Long) all.get(i - 1).get(0) <= (Long) all.get(i).get(0), "ascending at " + i);
        }
    }

    @Test
    void topNPerGroupOnABoundedQueryWithEachRankingFunction() {
        allRounds();
        for (String function : List.of("ROW_NUMBER", "RANK", "DENSE_RANK")) {
            List<List<Object>> actual = SqlQueryIT.sorted(rows("SELECT auction, price, rn FROM (SELECT auction, price, "
                    + function + "() OVER (PARTITION BY auction ORDER BY price DESC) AS rn FROM bids) WHERE rn <= 3"));
            assertEquals(SqlQueryIT.sorted(reference(function, 3)), actual, function);
        }
    }

    /** The top {@code n} prices per auction, ranked by {@code function}; ROW_NUMBER's ties are left out (any order). */
    private List<List<Object>> reference(String function, int n) {
        Map<Long, List<Long>> prices = new TreeMap<>();
        bids.forEach(b -> prices.computeIfAbsent(b[0], a -> new ArrayList<>()).add(b[1]));
        List<List<Object>> out = new ArrayList<>();
        prices.forEach((auction, list) -> {
            list.sort(Comparator.reverseOrder());
            long dense = 0;
            for (int i = 0; i < list.size(); i++) {
                boolean tie = i > 0 && list.get(i).equals(list.get(i - 1));
                dense += tie ? 0 : 1;
                long rank = switch (function) {
                    case "ROW_NUMBER" -> i + 1;
                    case "RANK" -> tie ? (Long) out.get(out.size() - 1).get(2) : i + 1;
                    default -> dense;
                };
                if (rank > n) {
                    break;
                }
                out.add(row(auction, list.get(i), rank));
            }
        });
        return out;
    }

    @Test
    void aTopNPerWindowOverAWindowAggregateIsEmittedOncePerWindow() throws Exception {
        message("CREATE TABLE hot (ws TIMESTAMP, auction BIGINT, num BIGINT, rk BIGINT) WITH ('connector'='memory')");
        message("SET trigger = available-now");
        message("SET outputMode = append");
        String insert = """
                INSERT INTO hot SELECT STREAM ws, auction, num, rk FROM (
                  SELECT ws, auction, num, ROW_NUMBER() OVER (PARTITION BY ws ORDER BY num DESC, auction) AS rk FROM (
                    SELECT window_start AS ws, auction, COUNT(*) AS num
                    FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '10' SECOND))
                    GROUP BY window_start, window_end, auction))
                WHERE rk <= 2""";
        Random random = new Random(7);
        for (int r = 0; r < ROUNDS; r++) {
            round(r, random);
            message("SET query.name = hot_q");
            StreamingQuery q = runToEnd(insert, null);
            assertTrue(q.exception().isEmpty(), () -> q.exception().get().getMessage());
        }
        // A last bid far ahead closes every window of the rounds (and is in none of the expected ones).
        SharedKafkaBroker.produce(topic, 0, null, "{\"auction\": 99, \"price\": 0, \"ts\": " + (BASE + 1_000_000) + "}");
        message("SET query.name = hot_q");
        assertTrue(runToEnd(insert, null).exception().isEmpty());
        Map<Long, Map<Long, Long>> counts = new TreeMap<>();
        bids.forEach(b -> counts.computeIfAbsent(b[2] / 10_000 * 10_000, w -> new TreeMap<>()).merge(b[0], 1L, Long::sum));
        List<List<Object>> expected = new ArrayList<>();
        counts.forEach((w, perAuction) -> {
            List<Map.Entry<Long, Long>> ranked = new ArrayList<>(perAuction.entrySet());
            ranked.sort(Map.Entry.<Long, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
            for (int i = 0; i < Math.min(2, ranked.size()); i++) {
                expected.add(row(T0.plusNanos(w * 1_000_000), ranked.get(i).getKey(), ranked.get(i).getValue(),
                        (long) i + 1));
            }
        });
        assertEquals(SqlQueryIT.sorted(expected), SqlQueryIT.sorted(rows("SELECT * FROM hot")));
        String plan = message("EXPLAIN " + insert);
        assertTrue(plan.contains("TopN(ROW_NUMBER <= 2, partition=[ws]"), plan);
        assertTrue(plan.contains("per window: emitted once"), plan);
    }

    private static final String TOP2 = "SELECT STREAM auction, price, rn FROM (SELECT auction, price, ROW_NUMBER() "
            + "OVER (PARTITION BY auction ORDER BY price DESC) AS rn FROM bids) WHERE rn <= 2";

    /** The table a list of changes ({@code op} first: +I or -D) leaves, checking each delete finds its row. */
    private static List<List<Object>> apply(List<List<Object>> changes) {
        return applyChanges(changes);
    }

    @Test
    void aContinuousTopNEmitsTheChangesToEachPartitionsTop() throws Exception {
        allRounds();
        message("SET trigger = available-now");
        message("SET maxOffsetsPerTrigger = 25");  // several batches, so tops change from batch to batch
        List<ResultBatch> batches = new ArrayList<>();
        StreamingQuery q = runToEnd(TOP2, batches::add);
        assertTrue(q.exception().isEmpty(), () -> q.exception().get().getMessage());
        assertTrue(batches.size() >= 4, "several batches: " + batches.size());
        assertEquals(List.of("op", "auction", "price", "rn"), batches.get(0).columns());
        List<List<Object>> changes = new ArrayList<>();
        batches.forEach(b -> changes.addAll(b.rows()));
        assertTrue(changes.stream().anyMatch(c -> "-D".equals(c.get(0))), "rows left the tops");
        assertEquals(SqlQueryIT.sorted(reference("ROW_NUMBER", 2)), SqlQueryIT.sorted(apply(changes)));
    }

    @Test
    void aTopNIntoAMemoryTableRecoversFromACrashToTheUninterruptedResult() throws Exception {
        message("CREATE TABLE top2 (auction BIGINT, price BIGINT, rn BIGINT) WITH ('connector'='fail-once-memory', "
                + "'fail.batch'='2', 'fail.when'='after-sink')");
        message("CREATE TABLE top2b (auction BIGINT, price BIGINT, rn BIGINT) WITH ('connector'='fail-once-memory', "
                + "'fail.batch'='3', 'fail.when'='before-sink')");
        message("SET trigger = available-now");
        Random random = new Random(7);
        long stateRows = 0;
        for (int r = 0; r < ROUNDS; r++) {
            round(r, random);
            for (String table : List.of("top2", "top2b")) {
                StreamingQuery q = runNamed(table + "_q", "INSERT INTO " + table + " " + TOP2);
                if (q.exception().isPresent()) {
                    assertTrue(q.exception().get().getMessage().contains("injected crash"), q.exception().get().getMessage());
                    q = runNamed(table + "_q", "INSERT INTO " + table + " " + TOP2);
                    assertTrue(q.exception().isEmpty());
                }
                stateRows = q.lastProgress().map(QueryProgress::stateRows).orElse(stateRows);
            }
        }
        List<List<Object>> expected = SqlQueryIT.sorted(reference("ROW_NUMBER", 2));
        assertEquals(expected, SqlQueryIT.sorted(rows("SELECT * FROM top2")), "crash after the sink took batch 2");
        assertEquals(expected, SqlQueryIT.sorted(rows("SELECT * FROM top2b")), "crash before the sink took batch 3");
        assertEquals(6, stateRows, "one state row (its top 2) per auction");
    }

    @Test
    void aSinkThatTakesInsertsOnlyRefusesAnUpdatingResult() {
        message("CREATE TABLE files (auction BIGINT, price BIGINT, rn BIGINT) WITH ('connector'='filesystem', 'path'='"
                + home.resolve("files") + "', 'format'='json')");
        SluiceException e = assertThrows(SluiceException.class, () -> sluice.execute("INSERT INTO files " + TOP2));
        assertTrue(e.getMessage().contains("the query's result updates and deletes rows"), e.getMessage());
        assertTrue(e.getMessage().contains("the file sink at") && e.getMessage().contains("on table 'files'"),
                e.getMessage());
    }

    @Test
    void orderByOnAContinuousQuerySaysWhatToDoInstead() {
        SluiceException e = assertThrows(SluiceException.class,
                () -> sluice.execute("SELECT STREAM auction FROM bids ORDER BY price", b -> { }));
        assertTrue(e.getMessage().contains("ORDER BY is only supported on bounded queries"), e.getMessage());
        e = assertThrows(SluiceException.class, () -> sluice.execute("SELECT auction, ROW_NUMBER() OVER "
                + "(PARTITION BY auction ORDER BY price) FROM bids"));
        assertTrue(e.getMessage().contains("needs a filter on it that keeps its first ranks"), e.getMessage());
    }
}
