package dev.sluice.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.connectors.testing.SharedKafkaBroker;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * HAVING over an aggregate whose groups change (a top GROUP BY in update mode, or one over retracting input): a
 * group that passed the filter and stops passing it must leave the result, so the query's changes, applied in
 * order, give the HAVING of the whole input, as computed in plain Java. Several batches on the real broker.
 */
class HavingUpdatesIT extends KafkaSessionFixture {
    private static final int ROUNDS = 6;
    private static final int PER_ROUND = 15;

    private static final long BASE = 1_700_000_000_000L;  // a multiple of 10 s

    /** Every payment: {account, amount, millis since BASE}; amounts are negative too, so sums go up and down. */
    private final List<long[]> payments = new ArrayList<>();
    private final Random random = new Random(11);
    private String topic;

    @BeforeEach
    void createTable() {
        topic = SharedKafkaBroker.createTopic("havingpay", 1);
        message("CREATE TABLE pay (account BIGINT, amount BIGINT, ts TIMESTAMP, WATERMARK FOR ts AS ts - INTERVAL '1' "
                + "SECOND) WITH ('connector'='kafka', 'topic'='" + topic
                + "', 'format'='json')");
        message("SET trigger = available-now");
    }

    private void round() {
        for (int i = 0; i < PER_ROUND; i++) {
            long account = random.nextInt(6);
            long amount = random.nextInt(21) - 10;
            long t = payments.size() * 250L;  // in order: no row is late
            payments.add(new long[] {account, amount, t});
            SharedKafkaBroker.produce(topic, 0, null, "{\"account\": " + account + ", \"amount\": "
                    + amount + ", \"ts\": " + (BASE + t) + "}");
        }
    }

    /** The current result of an updating query: its changes applied in order (+I/-D), or its upserts by the first column. */
    private static List<List<Object>> current(List<ResultBatch> batches) {
        List<List<Object>> changes = new ArrayList<>();
        batches.forEach(b -> changes.addAll(b.rows()));
        if (!batches.isEmpty() && batches.get(0).columns().get(0).equals("op")) {
            return SqlQueryIT.sorted(applyChanges(changes));
        }
        Map<Object, List<Object>> latest = new HashMap<>();
        changes.forEach(r -> latest.put(r.size() > 2 ? r.subList(0, 2) : r.get(0), r));
        return SqlQueryIT.sorted(new ArrayList<>(latest.values()));
    }

    /**
     * Runs {@code sql} once over every round, a batch per round (one partition, {@code maxOffsetsPerTrigger} a
     * round), and checks the result after each batch against {@code reference} over the rounds read so far.
     */
    private void checkEachBatch(String sql, java.util.function.Function<List<long[]>, List<List<Object>>> reference)
            throws Exception {
        for (int r = 0; r < ROUNDS; r++) {
            round();
        }
        message("SET maxOffsetsPerTrigger = " + PER_ROUND);
        List<ResultBatch> batches = new ArrayList<>();
        StreamingQuery q = runToEnd(sql, batches::add);
        assertTrue(q.exception().isEmpty(), () -> q.exception().get().getMessage());
        List<Long> ids = batches.stream().map(ResultBatch::batchId).distinct().toList();
        for (long id : ids) {
            List<ResultBatch> upTo = batches.stream().filter(b -> b.batchId() <= id).toList();
            assertEquals(SqlQueryIT.sorted(reference.apply(payments.subList(0, (int) (id + 1) * PER_ROUND))),
                    current(upTo), "after batch " + id);
        }
        assertEquals(ROUNDS - 1, (long) ids.get(ids.size() - 1), "a batch per round: " + ids);
    }

    private static List<List<Object>> totalsAbove5(List<long[]> payments) {
        Map<Long, Long> sums = new TreeMap<>();
        payments.forEach(p -> sums.merge(p[0], p[1], Long::sum));
        List<List<Object>> expected = new ArrayList<>();
        sums.forEach((account, total) -> {
            if (total > 5) {
                expected.add(row(account, total));
            }
        });
        return expected;
    }

    @Test
    void aGroupThatStopsPassingHavingLeavesTheResultOfAnUpdateModeAggregate() throws Exception {
        message("SET outputMode = update");
        checkEachBatch("SELECT STREAM account, SUM(amount) AS total FROM pay GROUP BY account HAVING SUM(amount) > 5",
                HavingUpdatesIT::totalsAbove5);
        // Some account passed the filter after one round and not after the next: its row had to be deleted.
        boolean left = false;
        for (int r = 1; r < ROUNDS; r++) {
            List<List<Object>> before = totalsAbove5(payments.subList(0, r * PER_ROUND));
            List<Object> keys = totalsAbove5(payments.subList(0, (r + 1) * PER_ROUND)).stream().map(x -> x.get(0)).toList();
            left |= before.stream().anyMatch(x -> !keys.contains(x.get(0)));
        }
        assertTrue(left, "some account's total fell back to 5 or less after passing");
    }

    @Test
    void aGroupThatStopsPassingHavingLeavesTheResultOfAnAggregateOverRetractions() throws Exception {
        message("SET outputMode = update");
        checkEachBatch("SELECT STREAM n, COUNT(*) AS accounts FROM (SELECT account, COUNT(*) AS n FROM pay GROUP BY "
                + "account) GROUP BY n HAVING COUNT(*) >= 2", payments -> {
                    Map<Long, Long> perAccount = new HashMap<>();
                    payments.forEach(p -> perAccount.merge(p[0], 1L, Long::sum));
                    Map<Long, Long> histogram = new TreeMap<>();
                    perAccount.values().forEach(n -> histogram.merge(n, 1L, Long::sum));
                    List<List<Object>> expected = new ArrayList<>();
                    histogram.forEach((n, accounts) -> {
                        if (accounts >= 2) {
                            expected.add(row(n, accounts));
                        }
                    });
                    return expected;
                });
    }

    @Test
    void aWindowThatStopsPassingHavingLeavesTheResultOfAnUpdateModeWindowAggregate() throws Exception {
        message("SET outputMode = update");
        checkEachBatch("SELECT STREAM account, window_start, SUM(amount) AS total FROM TABLE(TUMBLE(TABLE pay, "
                + "DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY account, window_start, window_end "
                + "HAVING SUM(amount) > 5", payments -> {
                    Map<List<Long>, Long> sums = new TreeMap<>(java.util.Comparator.<List<Long>>comparingLong(k -> k.get(0))
                            .thenComparingLong(k -> k.get(1)));
                    payments.forEach(p -> sums.merge(List.of(p[0], p[2] / 10_000 * 10_000), p[1], Long::sum));
                    List<List<Object>> expected = new ArrayList<>();
                    sums.forEach((k, total) -> {
                        if (total > 5) {
                            expected.add(row(k.get(0), java.time.LocalDateTime.ofEpochSecond((BASE + k.get(1)) / 1000,
                                    0, java.time.ZoneOffset.UTC), total));
                        }
                    });
                    return expected;
                });
    }

    @Test
    void aHavingThatAGroupPassesForGoodKeepsUpserts() throws Exception {
        message("SET outputMode = update");
        String sql = "SELECT STREAM account, COUNT(*) AS n FROM pay GROUP BY account HAVING COUNT(*) > 4";
        checkEachBatch(sql, payments -> {
            Map<Long, Long> counts = new TreeMap<>();
            payments.forEach(p -> counts.merge(p[0], 1L, Long::sum));
            List<List<Object>> expected = new ArrayList<>();
            counts.forEach((account, n) -> {
                if (n > 4) {
                    expected.add(row(account, n));
                }
            });
            return expected;
        });
        // A count only grows: a group that passes passes for good, so no retraction is needed (nor emitted).
        String plan = message("EXPLAIN " + sql);
        assertTrue(plan.contains("emits the groups each batch changed [changes: upsert"), plan);
    }

    @Test
    void havingIntoAMemoryTableHoldsTheCurrentResult() throws Exception {
        message("SET outputMode = update");
        message("CREATE TABLE rich (account BIGINT, total BIGINT) WITH ('connector'='memory')");
        String insert = "INSERT INTO rich SELECT STREAM account, SUM(amount) FROM pay GROUP BY account "
                + "HAVING SUM(amount) > 5";
        for (int r = 0; r < ROUNDS; r++) {
            round();
            message("SET query.name = rich_q");
            StreamingQuery q = runToEnd(insert, null);
            assertTrue(q.exception().isEmpty(), () -> q.exception().get().getMessage());
        }
        Map<Long, Long> sums = new TreeMap<>();
        payments.forEach(p -> sums.merge(p[0], p[1], Long::sum));
        List<List<Object>> expected = new ArrayList<>();
        sums.forEach((account, total) -> {
            if (total > 5) {
                expected.add(row(account, total));
            }
        });
        assertEquals(SqlQueryIT.sorted(expected), SqlQueryIT.sorted(rows("SELECT * FROM rich")));
        String plan = message("EXPLAIN " + insert);
        assertTrue(plan.contains("the previous row (-1) and the new row (+1)"), plan);
    }
}
