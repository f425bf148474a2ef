package dev.sluice.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.connectors.testing.SharedKafkaBroker;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A Kafka table with a {@code PRIMARY KEY} is read as its latest row per key (Flink's upsert-kafka): a record
 * replaces its key's row, a tombstone (a null value) deletes its key. A GROUP BY over it takes back a replaced
 * row's contribution, across batches and restarts (the normalize step's state), and is checked against the
 * latest row per key computed in plain Java from the records written.
 */
class UpsertTableIT extends KafkaSessionFixture {
    private static final int ROUNDS = 5;
    private static final int PARTITIONS = 2;
    private static final List<String> CATEGORIES = List.of("books", "games", "music", "toys");

    private String topic;
    /** The reference: every key's latest row (its category), as the records written leave it. */
    private final Map<Long, String> latest = new LinkedHashMap<>();
    private final Random random = new Random(71);
    private int tombstones;

    @BeforeEach
    void createTable() {
        topic = SharedKafkaBroker.createTopic("upserts", PARTITIONS);
        message("CREATE TABLE items (id BIGINT, category VARCHAR, price BIGINT, PRIMARY KEY (id) NOT ENFORCED) WITH ("
                + "'connector'='kafka', 'topic'='" + topic + "', 'format'='json')");
        message("SET trigger = available-now");
    }

    /** A round of records: new keys, updates of known keys (some to the same row), and tombstones. */
    private void round() {
        for (int n = 0; n < 30; n++) {
            long id = 1 + random.nextInt(25);
            String key = "{\"id\":" + id + "}";
            int partition = (int) (id % PARTITIONS);  // a key's records stay in one partition, as Kafka's partitioner keeps them
            if (latest.containsKey(id) && random.nextInt(4) == 0) {
                SharedKafkaBroker.produce(topic, partition, key, null);
                latest.remove(id);
                tombstones++;
            } else {
                String category = CATEGORIES.get(random.nextInt(CATEGORIES.size()));
                SharedKafkaBroker.produce(topic, partition, key, "{\"id\":" + id + ",\"category\":\"" + category
                        + "\",\"price\":" + random.nextInt(100) + "}");
                latest.put(id, category);
            }
        }
    }

    private List<List<Object>> expectedCounts() {
        Map<String, Long> counts = new TreeMap<>();
        latest.values().forEach(c -> counts.merge(c, 1L, Long::sum));
        List<List<Object>> rows = new ArrayList<>();
        counts.forEach((c, n) -> rows.add(row(c, n)));
        return rows;
    }

    private static final String COUNT_BY_CATEGORY =
            "SELECT STREAM category, COUNT(*) AS n FROM items GROUP BY category";

    @Test
    void aGroupByOverAnUpsertTableCountsTheLatestRowPerKeyAcrossRestarts() throws Exception {
        message("CREATE TABLE counts (category VARCHAR, n BIGINT) WITH ('connector'='memory')");
        long stateRows = -1;
        for (int r = 0; r < ROUNDS; r++) {
            round();
            // Each round is a restart of the query from its checkpoint: the normalize step's state is read back.
            StreamingQuery q = runNamed("count_by_category", "INSERT INTO counts " + COUNT_BY_CATEGORY);
            assertTrue(q.exception().isEmpty(), () -> q.exception().get().getMessage());
            assertEquals(expectedCounts(), SqlQueryIT.sorted(rows("SELECT * FROM counts")), "after round " + r);
            stateRows = q.lastProgress().orElseThrow().stateRows();
        }
        assertTrue(tombstones > 0, "keys were deleted");
        // The normalize step keeps one row per live key, the aggregate one per category.
        long categories = latest.values().stream().distinct().count();
        assertEquals(latest.size() + categories, stateRows);
        // A bounded query reads the same latest rows.
        assertEquals(List.of(row((long) latest.size())), rows("SELECT COUNT(*) FROM items"));
        String plan = message("EXPLAIN INSERT INTO counts " + COUNT_BY_CATEGORY);
        assertTrue(plan.contains("ChangelogNormalize(table=items, the latest row per [id]; a tombstone deletes its key) "
                + "[changes: retract; state: "), plan);
    }

    @Test
    void theNormalizeStateRecoversFromACrashToTheUninterruptedResult() throws Exception {
        message("CREATE TABLE counts_after (category VARCHAR, n BIGINT) WITH ('connector'='fail-once-memory', "
                + "'fail.batch'='1', 'fail.when'='after-sink')");
        message("CREATE TABLE counts_before (category VARCHAR, n BIGINT) WITH ('connector'='fail-once-memory', "
                + "'fail.batch'='2', 'fail.when'='before-sink')");
        int crashes = 0;
        for (int r = 0; r < ROUNDS; r++) {
            round();
            for (String table : List.of("counts_after", "counts_before")) {
                crashes += runRestartingOnce(table + "_q", "INSERT INTO " + table + " " + COUNT_BY_CATEGORY) ? 1 : 0;
            }
        }
        assertEquals(2, crashes);
        assertEquals(expectedCounts(), SqlQueryIT.sorted(rows("SELECT * FROM counts_after")), "crash after the sink");
        assertEquals(expectedCounts(), SqlQueryIT.sorted(rows("SELECT * FROM counts_before")), "crash before the sink");
    }

    @Test
    void aTombstoneWithoutAKeyIsMalformedAndSkippedWhenTheTableSaysSo() throws Exception {
        String bad = SharedKafkaBroker.createTopic("upserts-bad", 1);
        message("CREATE TABLE bad_items (id BIGINT, category VARCHAR, PRIMARY KEY (id) NOT ENFORCED) WITH ("
                + "'connector'='kafka', 'topic'='" + bad + "', 'format'='json', 'on-error'='skip')");
        SharedKafkaBroker.produce(bad, 0, "{\"id\":1}", "{\"id\":1,\"category\":\"a\"}");
        SharedKafkaBroker.produce(bad, 0, null, null);                                // no key: deletes nothing
        SharedKafkaBroker.produce(bad, 0, "{\"id\":2}", "{\"category\":\"b\"}");      // no key column in the value
        SharedKafkaBroker.produce(bad, 0, "{\"id\":3}", "{\"id\":3,\"category\":\"c\"}");
        SharedKafkaBroker.produce(bad, 0, "{\"id\":3}", null);                        // deletes key 3
        assertEquals(List.of(row(1L, "a")), rows("SELECT id, category FROM bad_items"));
        message("CREATE TABLE bad_copy (id BIGINT, category VARCHAR) WITH ('connector'='memory')");
        StreamingQuery q = runNamed("bad_copy", "INSERT INTO bad_copy SELECT STREAM id, category FROM bad_items");
        assertTrue(q.exception().isEmpty(), () -> q.exception().get().getMessage());
        assertEquals(List.of(row(1L, "a")), rows("SELECT * FROM bad_copy"));
        assertEquals(2, q.lastProgress().orElseThrow().malformedRows(),
                "the tombstone without a key and the row without its key column");
    }

    @Test
    void aRawKeyIsTheKeyColumnsBytesWrittenAndReadBack() throws Exception {
        String out = SharedKafkaBroker.createTopic("upserts-raw", 1);
        message("CREATE TABLE by_category (category VARCHAR, n BIGINT, PRIMARY KEY (category) NOT ENFORCED) WITH ("
                + "'connector'='kafka', 'topic'='" + out + "', 'format'='json', 'key.format'='raw', "
                + "'properties.isolation.level'='read_committed')");
        for (int r = 0; r < 3; r++) {
            round();
            StreamingQuery q = runNamed("raw_keys", "INSERT INTO by_category " + COUNT_BY_CATEGORY);
            assertTrue(q.exception().isEmpty(), () -> q.exception().get().getMessage());
        }
        // The sink wrote each category as its raw key; read back, the topic's latest row per key is the result.
        assertTrue(SharedKafkaBroker.readAll(out, true).stream().allMatch(rec -> CATEGORIES.contains(rec.key())));
        assertEquals(expectedCounts(), SqlQueryIT.sorted(rows("SELECT category, n FROM by_category")));
    }

    @Test
    void aTemporalJoinWithAnUpsertTableForgetsADeletedKey() throws Exception {
        String sellers = SharedKafkaBroker.createTopic("upsert-sellers", 1);
        String bids = SharedKafkaBroker.createTopic("upsert-bids", 1);
        message("CREATE TABLE sellers (id INT, name VARCHAR, PRIMARY KEY (id) NOT ENFORCED) WITH ("
                + "'connector'='kafka', 'topic'='" + sellers + "', 'format'='json')");
        message("CREATE TABLE bids (seller INT, price BIGINT) WITH ('connector'='kafka', 'topic'='" + bids
                + "', 'format'='json')");
        message("CREATE TABLE joined (seller INT, price BIGINT, name VARCHAR) WITH ('connector'='memory')");
        Map<Integer, String> names = new LinkedHashMap<>();
        List<List<Object>> expected = new ArrayList<>();
        long stateRows = -1;
        for (int r = 0; r < ROUNDS; r++) {
            // The round's versions and tombstones first: a batch applies them before its bids probe.
            for (int n = 0; n < 4; n++) {
                int id = 1 + random.nextInt(6);
                if (names.containsKey(id) && random.nextInt(3) == 0) {
                    SharedKafkaBroker.produce(sellers, 0, "{\"id\":" + id + "}", null);
                    names.remove(id);
                    tombstones++;
                } else {
                    String name = "s" + r + "-" + n;
                    SharedKafkaBroker.produce(sellers, 0, "{\"id\":" + id + "}", "{\"id\":" + id + ",\"name\":\""
                            + name + "\"}");
                    names.put(id, name);
                }
            }
            for (int n = 0; n < 6; n++) {
                int seller = 1 + random.nextInt(6);
                long price = random.nextInt(1000);
                SharedKafkaBroker.produce(bids, 0, null, "{\"seller\":" + seller + ",\"price\":" + price + "}");
                expected.add(row(seller, price, names.get(seller)));
            }
            StreamingQuery q = runNamed("temporal_upserts", "INSERT INTO joined SELECT STREAM b.seller, b.price, s.name "
                    + "FROM bids b LEFT JOIN sellers s ON b.seller = s.id");
            assertTrue(q.exception().isEmpty(), () -> q.exception().get().getMessage());
            stateRows = q.lastProgress().orElseThrow().stateRows();
        }
        assertTrue(tombstones > 0, "sellers were deleted");
        assertEquals(SqlQueryIT.sorted(expected), SqlQueryIT.sorted(rows("SELECT * FROM joined")));
        assertEquals(names.size(), stateRows, "the join keeps the live keys only");
    }

    @Test
    void boundedQueriesJoinAndSortTheLatestRowPerKeyAndStreamsRefuseWhatCantTakeUpdates() throws Exception {
        round();
        round();
        String prices = SharedKafkaBroker.createTopic("upsert-prices", 1);
        message("CREATE TABLE discounts (item BIGINT, pct BIGINT) WITH ('connector'='kafka', 'topic'='" + prices
                + "', 'format'='json')");
        List<List<Object>> expected = new ArrayList<>();
        for (long id = 1; id <= 25; id += 3) {
            SharedKafkaBroker.produce(prices, 0, null, "{\"item\":" + id + ",\"pct\":" + id % 7 + "}");
            if (latest.containsKey(id)) {
                expected.add(row(id, latest.get(id), id % 7));
            }
        }
        assertEquals(expected, rows("SELECT i.id, i.category, d.pct FROM items i JOIN discounts d ON i.id = d.item "
                + "ORDER BY i.id"));
        List<List<Object>> all = new ArrayList<>();
        new TreeMap<>(latest).forEach((id, category) -> all.add(row(id, category)));
        assertEquals(all, rows("SELECT id, category FROM items ORDER BY id"));
        SluiceException e = org.junit.jupiter.api.Assertions.assertThrows(SluiceException.class, () -> sluice.execute(
                "SELECT STREAM * FROM (SELECT id, price, ROW_NUMBER() OVER (PARTITION BY category ORDER BY price DESC) "
                + "AS rn FROM items) WHERE rn <= 1"));
        assertTrue(e.getMessage().contains("table items has a PRIMARY KEY, so it is read as its latest row per key"),
                e.getMessage());
    }

    @Test
    void anUpsertTableWithAComputedColumnGroupsItsLatestRows() throws Exception {
        message("CREATE TABLE tagged (id BIGINT, category VARCHAR, price BIGINT, tag AS UPPER(category), "
                + "PRIMARY KEY (id) NOT ENFORCED) WITH ('connector'='kafka', 'topic'='" + topic + "', 'format'='json')");
        message("CREATE TABLE by_tag (tag VARCHAR, n BIGINT) WITH ('connector'='memory')");
        for (int r = 0; r < 3; r++) {
            round();
            StreamingQuery q = runNamed("by_tag", "INSERT INTO by_tag SELECT STREAM tag, COUNT(*) FROM tagged GROUP BY tag");
            assertTrue(q.exception().isEmpty(), () -> q.exception().get().getMessage());
        }
        List<List<Object>> expected = expectedCounts().stream()
                .map(r -> row(((String) r.get(0)).toUpperCase(java.util.Locale.ROOT), r.get(1))).toList();
        assertEquals(expected, SqlQueryIT.sorted(rows("SELECT * FROM by_tag")));
    }
}
