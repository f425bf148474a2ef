package dev.sluice.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.connectors.testing.SharedKafkaBroker;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A GROUP BY over a GROUP BY without a window: the inner aggregate's groups change every batch, so it emits
 * retractions (the previous row deleted, the new one inserted) and the outer one takes them back. Run over
 * several batches on the real broker, with MIN, MAX and COUNT(DISTINCT) values retracted, and checked against
 * the same results computed in plain Java over the input; restarts at each point of a batch's life give the
 * result of an uninterrupted run.
 */
class AggregateOverAggregateIT extends KafkaSessionFixture {
    private static final int ROUNDS = 5;

    /** Every bid: {auction, category, price}. */
    private final List<long[]> bids = new ArrayList<>();
    /** Every click's user. */
    private final List<Long> clicks = new ArrayList<>();
    private final Random random = new Random(7);
    private String bidTopic;
    private String clickTopic;

    @BeforeEach
    void createTables() {
        bidTopic = SharedKafkaBroker.createTopic("aggaggbids", 2);
        clickTopic = SharedKafkaBroker.createTopic("aggaggclicks", 2);
        message("CREATE TABLE bids (auction BIGINT, category BIGINT, price BIGINT) WITH ('connector'='kafka', "
                + "'topic'='" + bidTopic + "', 'format'='json')");
        message("CREATE TABLE clicks (user_id BIGINT, page VARCHAR) WITH ('connector'='kafka', 'topic'='" + clickTopic
                + "', 'format'='json')");
        message("SET trigger = available-now");
    }

    /** One round of bids: auctions 0-11, each in category auction % 3; prices rise and fall. */
    private void bidRound() {
        for (int i = 0; i < 40; i++) {
            long auction = random.nextInt(12);
            long price = 1 + random.nextInt(200);
            bids.add(new long[] {auction, auction % 3, price});
            SharedKafkaBroker.produce(bidTopic, random.nextInt(2), null, "{\"auction\": " + auction
                    + ", \"category\": " + auction % 3 + ", \"price\": " + price + "}");
        }
    }

    /** One round of clicks by users 0-9: users move up from one click count to the next. */
    private void clickRound() {
        for (int i = 0; i < 12; i++) {
            long user = random.nextInt(10);
            clicks.add(user);
            SharedKafkaBroker.produce(clickTopic, random.nextInt(2), null, "{\"user_id\": " + user
                    + ", \"page\": \"p" + i + "\"}");
        }
    }

    private static final String CATEGORIES = """
            SELECT STREAM category, AVG(final), MIN(final), MAX(final), COUNT(DISTINCT final), COUNT(*) FROM (
              SELECT auction, category, MAX(price) AS final FROM bids GROUP BY auction, category)
            GROUP BY category""";

    /** Nexmark q4's shape: per category, the average (and more) of each auction's highest bid. */
    private Map<Long, List<Object>> expectedCategories() {
        Map<List<Long>, Long> finals = new HashMap<>();
        for (long[] b : bids) {
            finals.merge(List.of(b[0], b[1]), b[2], Math::max);
        }
        Map<Long, List<Long>> perCategory = new TreeMap<>();
        finals.forEach((auction, price) -> perCategory.computeIfAbsent(auction.get(1), c -> new ArrayList<>()).add(price));
        Map<Long, List<Object>> expected = new TreeMap<>();
        perCategory.forEach((category, prices) -> expected.put(category, row(category,
                prices.stream().mapToLong(Long::longValue).sum() / prices.size(),  // AVG(BIGINT) is a BIGINT
                prices.stream().mapToLong(Long::longValue).min().orElseThrow(),
                prices.stream().mapToLong(Long::longValue).max().orElseThrow(),
                (long) new HashSet<>(prices).size(), (long) prices.size())));
        return expected;
    }

    /** The latest row per key (the first column) of an update-mode table, rows in the order they were written. */
    private Map<Long, List<Object>> latestByKey(String table) {
        Map<Long, List<Object>> latest = new TreeMap<>();
        for (List<Object> r : rows("SELECT * FROM " + table)) {
            latest.put((Long) r.get(0), r);
        }
        return latest;
    }

    private static final String HISTOGRAM = """
            SELECT STREAM cnt, COUNT(*) FROM (SELECT user_id, COUNT(*) AS cnt FROM clicks GROUP BY user_id)
            GROUP BY cnt""";

    /** How many users clicked n times, per n. */
    private Map<Long, Long> expectedHistogram() {
        Map<Long, Long> perUser = new HashMap<>();
        clicks.forEach(u -> perUser.merge(u, 1L, Long::sum));
        Map<Long, Long> histogram = new TreeMap<>();
        perUser.values().forEach(n -> histogram.merge(n, 1L, Long::sum));
        return histogram;
    }

    @Test
    void anAggregateOverPerKeyMaximaRetractsTheOldMaxima() throws Exception {
        message("CREATE TABLE categories (category BIGINT, avg_final BIGINT, lo BIGINT, hi BIGINT, prices BIGINT, "
                + "auctions BIGINT) WITH ('connector'='memory')");
        String insert = "INSERT INTO categories " + CATEGORIES;
        long retracted = 0;
        for (int r = 0; r < ROUNDS; r++) {
            Map<List<Long>, Long> before = new HashMap<>();
            bids.forEach(b -> before.merge(List.of(b[0], b[1]), b[2], Math::max));
            bidRound();
            StreamingQuery q = runNamed("categories_q", insert);
            assertTrue(q.exception().isEmpty(), () -> q.exception().get().toString());
            assertEquals(expectedCategories(), latestByKey("categories"), "after round " + r);
            // State: one row per auction below, one per category above.
            Set<Long> auctions = new HashSet<>();
            bids.forEach(b -> auctions.add(b[0]));
            assertEquals(auctions.size() + expectedCategories().size(), q.lastProgress().orElseThrow().stateRows());
            Map<List<Long>, Long> after = new HashMap<>();
            bids.forEach(b -> after.merge(List.of(b[0], b[1]), b[2], Math::max));
            retracted += before.entrySet().stream().filter(e -> !e.getValue().equals(after.get(e.getKey()))).count();
        }
        assertTrue(retracted >= 5, "maxima were retracted: " + retracted);
        String plan = message("EXPLAIN " + insert);
        assertTrue(plan.contains("changes: retract"), plan);
        assertTrue(plan.contains("input rows may be deleted"), plan);
    }

    @Test
    void aCompleteHistogramOfCountsDropsGroupsThatLoseTheirLastRow() throws Exception {
        message("CREATE TABLE histogram (cnt BIGINT, users BIGINT) WITH ('connector'='memory')");
        message("SET outputMode = complete");
        String insert = "INSERT INTO histogram " + HISTOGRAM;
        Set<Long> emptied = new HashSet<>();
        for (int r = 0; r < ROUNDS; r++) {
            Set<Long> bucketsBefore = expectedHistogram().keySet();
            clickRound();
            StreamingQuery q = runNamed("histogram_q", insert);
            assertTrue(q.exception().isEmpty(), () -> q.exception().get().toString());
            QueryProgress last = q.lastProgress().orElseThrow();
            List<List<Object>> all = rows("SELECT * FROM histogram");
            Map<Long, Long> actual = new TreeMap<>();
            all.subList(all.size() - (int) last.outputRows(), all.size()).forEach(row -> actual.put((Long) row.get(0),
                    (Long) row.get(1)));
            assertEquals(expectedHistogram(), actual, "after round " + r);
            Set<Long> users = new HashSet<>(clicks);
            assertEquals(users.size() + expectedHistogram().size(), last.stateRows(), "emptied counts leave the state");
            bucketsBefore.stream().filter(b -> !expectedHistogram().containsKey(b)).forEach(emptied::add);
        }
        assertTrue(!emptied.isEmpty(), "some click counts lost all their users");
    }

    @Test
    void anUpdateModeResultDeletesATopGroupThatLostItsLastRow() throws Exception {
        message("CREATE TABLE histo (cnt BIGINT, users BIGINT) WITH ('connector'='memory')");
        String insert = "INSERT INTO histo " + HISTOGRAM;
        // One user clicks once, then again: the group of count 1 loses its only user.
        SharedKafkaBroker.produce(clickTopic, 0, null, "{\"user_id\": 1, \"page\": \"a\"}");
        StreamingQuery first = runNamed("histo_q", insert);
        assertTrue(first.exception().isEmpty(), () -> first.exception().get().toString());
        assertEquals(List.of(row(1L, 1L)), rows("SELECT * FROM histo"));
        SharedKafkaBroker.produce(clickTopic, 0, null, "{\"user_id\": 1, \"page\": \"b\"}");
        StreamingQuery second = runNamed("histo_q", insert);
        assertTrue(second.exception().isEmpty(), () -> second.exception().get().toString());
        // The result retracts: the memory table applies the changes and holds the current histogram.
        assertEquals(List.of(row(2L, 1L)), rows("SELECT * FROM histo"));
        // A sink that takes inserts only is refused before the query starts.
        message("CREATE TABLE histo_files (cnt BIGINT, users BIGINT) WITH ('connector'='filesystem', 'path'='"
                + home.resolve("histo") + "', 'format'='json')");
        SluiceException e = org.junit.jupiter.api.Assertions.assertThrows(SluiceException.class,
                () -> sluice.execute("INSERT INTO histo_files " + HISTOGRAM));
        assertTrue(e.getMessage().contains("the query's result updates and deletes rows"), e.getMessage());
    }

    @Test
    void restartsAtEachPointOfABatchGiveTheUninterruptedResult() throws Exception {
        for (String when : List.of("before-sink", "after-sink")) {
            String table = "cat_" + when.replace('-', '_');
            message("CREATE TABLE " + table + " (category BIGINT, avg_final BIGINT, lo BIGINT, hi BIGINT, prices BIGINT, "
                    + "auctions BIGINT) WITH ('connector'='fail-once-memory', 'fail.batch'='2', 'fail.when'='" + when + "')");
        }
        message("CREATE TABLE cat_plain (category BIGINT, avg_final BIGINT, lo BIGINT, hi BIGINT, prices BIGINT, "
                + "auctions BIGINT) WITH ('connector'='memory')");
        Map<String, Integer> crashes = new LinkedHashMap<>();
        for (int r = 0; r < ROUNDS; r++) {
            bidRound();
            for (String table : List.of("cat_before_sink", "cat_after_sink", "cat_plain")) {
                StreamingQuery q = runNamed(table + "_q", "INSERT INTO " + table + " " + CATEGORIES);
                if (q.exception().isPresent()) {
                    assertTrue(q.exception().get().getMessage().contains("injected crash"), q.exception().get().toString());
                    crashes.merge(table, 1, Integer::sum);
                    q = runNamed(table + "_q", "INSERT INTO " + table + " " + CATEGORIES);  // restart: re-runs batch 2
                    StreamingQuery restarted = q;
                    assertTrue(q.exception().isEmpty(), () -> restarted.exception().get().toString());
                    assertEquals(2, q.recentProgress().get(0).batchId(), "the batch that crashed runs again");
                }
            }
        }
        assertEquals(Map.of("cat_before_sink", 1, "cat_after_sink", 1), crashes);
        Map<Long, List<Object>> expected = expectedCategories();
        assertEquals(expected, latestByKey("cat_plain"));
        assertEquals(expected, latestByKey("cat_before_sink"));
        assertEquals(expected, latestByKey("cat_after_sink"));
        // The same changes as the uninterrupted run, each batch once.
        assertEquals(rows("SELECT * FROM cat_plain"), rows("SELECT * FROM cat_before_sink"));
        assertEquals(rows("SELECT * FROM cat_plain"), rows("SELECT * FROM cat_after_sink"));
    }
}
