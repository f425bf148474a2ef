package dev.sluice.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.connectors.testing.SharedKafkaBroker;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Updating results (a Top-N, an aggregate over an aggregate) into the Kafka sink of a table with a primary key
 * (upserts and tombstones) and into a file sink with {@code 'sink.changelog'='true'} (rows led by +I / -D), on
 * the real broker, across crashes before and after the sink took a batch. What a reader makes of the output
 * (the latest row per key; the changes applied in order) is checked against the result computed in plain Java
 * over the input, and a crashed run's output against an uninterrupted run's: nothing is written twice.
 */
class UpdatingResultSinksIT extends KafkaSessionFixture {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ROUNDS = 5;
    private static final String TOP2 = "SELECT STREAM auction, price, rn FROM (SELECT auction, price, ROW_NUMBER() "
            + "OVER (PARTITION BY auction ORDER BY price DESC) AS rn FROM bids) WHERE rn <= 2";
    private static final String HISTOGRAM = "SELECT STREAM cnt, COUNT(*) FROM (SELECT user_id, COUNT(*) AS cnt "
            + "FROM clicks GROUP BY user_id) GROUP BY cnt";

    /** {auction, price} of every bid. */
    private final List<long[]> bids = new ArrayList<>();
    private final List<Long> clicks = new ArrayList<>();
    private final Random random = new Random(7);
    private String bidTopic;
    private String clickTopic;

    @BeforeEach
    void createTables() {
        bidTopic = SharedKafkaBroker.createTopic("updbids", 2);
        clickTopic = SharedKafkaBroker.createTopic("updclicks", 2);
        message("CREATE TABLE bids (auction BIGINT, price BIGINT) WITH ('connector'='kafka', 'topic'='" + bidTopic
                + "', 'format'='json')");
        message("CREATE TABLE clicks (user_id BIGINT, page VARCHAR) WITH ('connector'='kafka', 'topic'='" + clickTopic
                + "', 'format'='json')");
        message("SET trigger = available-now");
        message("SET maxOffsetsPerTrigger = 25");  // several batches per run: tops change from batch to batch
    }

    private void bidRound() {
        for (int i = 0; i < 40; i++) {
            long auction = random.nextInt(6);
            long price = random.nextInt(30);  // ties on purpose
            bids.add(new long[] {auction, price});
            SharedKafkaBroker.produce(bidTopic, random.nextInt(2), null, "{\"auction\": " + auction + ", \"price\": "
                    + price + "}");
        }
    }

    private void clickRound() {
        for (int i = 0; i < 12; i++) {
            long user = random.nextInt(10);
            clicks.add(user);
            SharedKafkaBroker.produce(clickTopic, random.nextInt(2), null, "{\"user_id\": " + user + ", \"page\": \"p\"}");
        }
    }

    /** The top 2 prices per auction: [auction, rn] to price. */
    private Map<List<Long>, Long> expectedTop2() {
        Map<Long, List<Long>> prices = new TreeMap<>();
        bids.forEach(b -> prices.computeIfAbsent(b[0], a -> new ArrayList<>()).add(b[1]));
        Map<List<Long>, Long> top = new HashMap<>();
        prices.forEach((auction, list) -> {
            list.sort(Comparator.reverseOrder());
            for (int i = 0; i < Math.min(2, list.size()); i++) {
                top.put(List.of(auction, (long) i + 1), list.get(i));
            }
        });
        return top;
    }

    /** How many users clicked n times, per n. */
    private Map<Long, Long> expectedHistogram() {
        Map<Long, Long> perUser = new HashMap<>();
        clicks.forEach(u -> perUser.merge(u, 1L, Long::sum));
        Map<Long, Long> histogram = new TreeMap<>();
        perUser.values().forEach(n -> histogram.merge(n, 1L, Long::sum));
        return histogram;
    }

    /** Tables whose query crashed (where their connector said) and was restarted. */
    private final List<String> crashed = new ArrayList<>();

    /** Runs the query into {@code table}, and once more if it crashed where the table's connector said. */
    private void runIntoRestartingOnce(String table, String query) throws Exception {
        StreamingQuery q = runNamed(table + "_q", "INSERT INTO " + table + " " + query);
        if (q.exception().isPresent()) {
            crashed.add(table);
            assertTrue(q.exception().get().getMessage().contains("injected crash"), q.exception().get().toString());
            q = runNamed(table + "_q", "INSERT INTO " + table + " " + query);
        }
        StreamingQuery done = q;
        assertTrue(done.exception().isEmpty(), () -> done.exception().get().toString());
    }

    /** The latest value per key of the topic's committed records, a tombstone deleting its key. */
    private static Map<String, String> latestPerKey(String topic, List<String> tombstones) {
        Map<String, String> latest = new TreeMap<>();
        for (ConsumerRecord<String, String> r : SharedKafkaBroker.readAll(topic, true)) {
            if (r.value() == null) {
                tombstones.add(r.key());
                latest.remove(r.key());
            } else {
                latest.put(r.key(), r.value());
            }
        }
        return latest;
    }

    /** The committed records as "key value" lines, sorted: the same multiset for runs that wrote the same. */
    private static List<String> records(String topic) {
        return SharedKafkaBroker.readAll(topic, true).stream().map(r -> r.key() + " " + r.value()).sorted().toList();
    }

    @Test
    void aTopNIntoAKeyedKafkaTableIsItsLatestRowPerKeyAcrossCrashes() throws Exception {
        Map<String, String> topics = new TreeMap<>();
        Map<String, String> connectors = Map.of(
                "top_plain", "'connector'='kafka'",
                "top_after", "'connector'='fail-once-kafka', 'fail.batch'='2', 'fail.when'='after-sink'",
                "top_before", "'connector'='fail-once-kafka', 'fail.batch'='3', 'fail.when'='before-sink'");
        connectors.forEach((table, connector) -> {
            String topic = SharedKafkaBroker.createTopic(table, 2);
            topics.put(table, topic);
            message("CREATE TABLE " + table + " (auction BIGINT, price BIGINT, rn BIGINT, PRIMARY KEY (auction, rn) "
                    + "NOT ENFORCED) WITH (" + connector + ", 'topic'='" + topic + "', 'format'='json')");
        });
        for (int r = 0; r < ROUNDS; r++) {
            bidRound();
            for (String table : topics.keySet()) {
                runIntoRestartingOnce(table, TOP2);
            }
        }
        assertEquals(List.of("top_after", "top_before"), crashed.stream().sorted().toList());
        Map<String, String> expected = new TreeMap<>();
        expectedTop2().forEach((key, price) -> expected.put("{\"auction\":" + key.get(0) + ",\"rn\":" + key.get(1) + "}",
                "{\"auction\":" + key.get(0) + ",\"price\":" + price + ",\"rn\":" + key.get(1) + "}"));
        for (String table : topics.keySet()) {
            assertEquals(expected, latestPerKey(topics.get(table), new ArrayList<>()), table);
        }
        List<String> uninterrupted = records(topics.get("top_plain"));
        assertTrue(uninterrupted.size() > expected.size(), "tops were updated: " + uninterrupted.size() + " records");
        assertEquals(uninterrupted, records(topics.get("top_after")), "crash after the sink took batch 2");
        assertEquals(uninterrupted, records(topics.get("top_before")), "crash before the sink took batch 3");
    }

    @Test
    void anAggregateOverAnAggregateIntoAKeyedKafkaTableDeletesEmptiedGroupsWithTombstones() throws Exception {
        String topic = SharedKafkaBroker.createTopic("histo", 1);
        message("CREATE TABLE histo (cnt BIGINT, users BIGINT, PRIMARY KEY (cnt) NOT ENFORCED) WITH ("
                + "'connector'='fail-once-kafka', 'fail.batch'='2', 'fail.when'='after-sink', 'topic'='" + topic
                + "', 'format'='json')");
        for (int r = 0; r < ROUNDS; r++) {
            clickRound();
            runIntoRestartingOnce("histo", HISTOGRAM);
            List<String> tombstones = new ArrayList<>();
            Map<Long, Long> actual = new TreeMap<>();
            for (Map.Entry<String, String> e : latestPerKey(topic, tombstones).entrySet()) {
                JsonNode value = JSON.readTree(e.getValue());
                assertEquals("{\"cnt\":" + value.get("cnt").asLong() + "}", e.getKey());
                actual.put(value.get("cnt").asLong(), value.get("users").asLong());
            }
            assertEquals(expectedHistogram(), actual, "after round " + r);
            if (r == ROUNDS - 1) {
                assertEquals(List.of("histo"), crashed);
                assertTrue(!tombstones.isEmpty(), "click counts that no user has any more were deleted");
            }
        }
    }

    /** The table a file sink's changes leave, checking that each delete finds its row. */
    private static List<List<Long>> applyFileChanges(List<String> lines) throws Exception {
        List<List<Long>> table = new ArrayList<>();
        for (String line : lines) {
            JsonNode change = JSON.readTree(line);
            assertEquals("op", change.fieldNames().next(), "the change comes first: " + line);
            List<Long> row = List.of(change.get("auction").asLong(), change.get("price").asLong(),
                    change.get("rn").asLong());
            switch (change.get("op").asText()) {
                case "+I" -> table.add(row);
                case "-D" -> assertTrue(table.remove(row), () -> "a delete of a row not there: " + line);
                default -> throw new AssertionError("unknown change: " + line);
            }
        }
        return table;
    }

    private static List<String> sortedRows(List<List<Long>> rows) {
        return rows.stream().map(List::toString).sorted().toList();
    }

    @Test
    void aTopNIntoAChangelogFileTableIsItsChangesAcrossCrashes() throws Exception {
        Map<String, String> dirs = new TreeMap<>();
        for (String when : List.of("before-sink", "after-sink")) {
            String table = "files_" + when.replace('-', '_');
            dirs.put(table, home.resolve(table).toString());
            message("CREATE TABLE " + table + " (auction BIGINT, price BIGINT, rn BIGINT) WITH ("
                    + "'connector'='fail-once-file', 'fail.batch'='2', 'fail.when'='" + when + "', 'path'='"
                    + dirs.get(table) + "', 'format'='json', 'sink.changelog'='true')");
        }
        for (int r = 0; r < ROUNDS; r++) {
            bidRound();
            for (String table : dirs.keySet()) {
                runIntoRestartingOnce(table, TOP2);
            }
        }
        assertEquals(List.of("files_after_sink", "files_before_sink"), crashed.stream().sorted().toList());
        List<List<Long>> expected = new ArrayList<>();
        expectedTop2().forEach((key, price) -> expected.add(List.of(key.get(0), price, key.get(1))));
        for (String table : dirs.keySet()) {
            List<String> lines = FileSinkContents.committedLines(dirs.get(table));
            assertTrue(lines.stream().anyMatch(l -> l.contains("\"-D\"")), table + ": rows left the tops");
            assertEquals(sortedRows(expected), sortedRows(applyFileChanges(lines)), table);
        }
    }

    @Test
    void aSinkThatTakesInsertsOnlyRefusesAnUpdatingResultNamingWhatWouldMakeItTakeIt() {
        String topic = SharedKafkaBroker.createTopic("nokey", 1);
        message("CREATE TABLE nokey (auction BIGINT, price BIGINT, rn BIGINT) WITH ('connector'='kafka', 'topic'='"
                + topic + "', 'format'='json')");
        SluiceException e = assertThrows(SluiceException.class, () -> sluice.execute("INSERT INTO nokey " + TOP2));
        assertTrue(e.getMessage().contains("the query's result updates and deletes rows"), e.getMessage());
        assertTrue(e.getMessage().contains("the Kafka table 'nokey'"), e.getMessage());
        assertTrue(e.getMessage().contains("primary key of table 'nokey' (PRIMARY KEY (...) NOT ENFORCED)"),
                e.getMessage());
        message("CREATE TABLE rows_only (auction BIGINT, price BIGINT, rn BIGINT) WITH ('connector'='filesystem', "
                + "'path'='" + home.resolve("rows_only") + "', 'format'='json')");
        e = assertThrows(SluiceException.class, () -> sluice.execute("INSERT INTO rows_only " + TOP2));
        assertTrue(e.getMessage().contains("set 'sink.changelog'='true' on table 'rows_only'"), e.getMessage());
    }

    @Test
    void theBlackholeCountsAnUpdatingResultsChanges() throws Exception {
        message("CREATE TABLE updating_hole (auction BIGINT, price BIGINT, rn BIGINT) WITH ('connector'='blackhole')");
        bidRound();
        runIntoRestartingOnce("updating_hole", TOP2);
        long changes = dev.sluice.connectors.blackhole.BlackholeConnector.rowsWritten("updating_hole");
        assertTrue(changes > expectedTop2().size(), changes + " changes");
    }
}
