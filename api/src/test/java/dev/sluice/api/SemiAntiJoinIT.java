package dev.sluice.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.connectors.testing.SharedKafkaBroker;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Semi and anti joins from {@code IN}, {@code EXISTS} and {@code NOT EXISTS} subqueries, on streams (bounded
 * by event time or by a state TTL) and on bounded queries, checked against a plain-Java reference.
 */
class SemiAntiJoinIT extends KafkaSessionFixture {
    private static final long BASE = 1_700_000_000_000L;
    private static final LocalDateTime T0 = LocalDateTime.of(2023, 11, 14, 22, 13, 20);
    private static final int ROUNDS = 5;  // the last one only moves the watermark past every earlier row
    private static final String BOUND = " AND c.ts BETWEEN i.ts AND i.ts + INTERVAL '10' SECOND";

    private record Event(long ad, long millis) {
    }

    private final List<Event> clicks = new ArrayList<>();
    private final List<Event> impressions = new ArrayList<>();
    private String clickTopic;
    private String impressionTopic;

    @BeforeEach
    void createTables() {
        clickTopic = SharedKafkaBroker.createTopic("saclicks", 1);
        impressionTopic = SharedKafkaBroker.createTopic("saimpressions", 1);
        for (String[] t : new String[][] {{"clicks", clickTopic}, {"impressions", impressionTopic}}) {
            message("CREATE TABLE " + t[0] + " (ad_id BIGINT, ts TIMESTAMP, WATERMARK FOR ts AS ts - INTERVAL '5' "
                    + "SECOND) WITH ('connector'='kafka', 'topic'='" + t[1] + "', 'format'='json')");
        }
        message("SET trigger = available-now");
    }

    /** Round {@code r}: events between {@code 10 r + 1} and {@code 10 r + 15} s, none late; the last, one pair ahead. */
    private void round(int r, Random random) {
        if (r == ROUNDS - 1) {
            event(clickTopic, clicks, 99, 200_000);
            event(impressionTopic, impressions, 99, 200_000);
            return;
        }
        for (int n = 0; n < 6; n++) {
            event(clickTopic, clicks, 1 + random.nextInt(6), r * 10_000L + 1_000 + random.nextInt(14_000));
        }
        for (int n = 0; n < 3; n++) {
            event(impressionTopic, impressions, 1 + random.nextInt(6), r * 10_000L + 1_000 + random.nextInt(14_000));
        }
    }

    private static void event(String topic, List<Event> events, long ad, long millis) {
        events.add(new Event(ad, millis));
        SharedKafkaBroker.produce(topic, 0, null, "{\"ad_id\": " + ad + ", \"ts\": " + (BASE + millis) + "}");
    }

    private static String exists(boolean not, String condition) {
        return "SELECT STREAM c.ad_id, c.ts FROM clicks c WHERE " + (not ? "NOT " : "") + "EXISTS (SELECT 1 FROM "
                + "impressions i WHERE i.ad_id = c.ad_id" + condition + ")";
    }

    /**
     * The clicks with (semi) or without (anti) an impression of their ad, within 10 s before them if
     * {@code bounded}; an anti join's click once the watermark passed it (none can match it then).
     */
    private List<List<Object>> reference(boolean anti, boolean bounded, long watermark) {
        List<List<Object>> out = new ArrayList<>();
        for (Event c : clicks) {
            boolean matched = impressions.stream().anyMatch(i -> i.ad() == c.ad()
                    && (!bounded || (c.millis() >= i.millis() && c.millis() <= i.millis() + 10_000)));
            if (matched != anti && (!anti || !bounded || c.millis() < watermark)) {
                out.add(row(c.ad(), T0.plusNanos(c.millis() * 1_000_000)));
            }
        }
        return SqlQueryIT.sorted(out);
    }

    private long watermark() {
        return Math.min(clicks.stream().mapToLong(Event::millis).max().orElseThrow(),
                impressions.stream().mapToLong(Event::millis).max().orElseThrow()) - 5_000;
    }

    @Test
    void existsAndNotExistsOnStreamsBoundedByEventTimeOrByATtl() throws Exception {
        message("SET state.ttl = '1 h'");
        Map<String, String> queries = Map.of(
                "semi_interval", exists(false, BOUND), "anti_interval", exists(true, BOUND),
                "semi_ttl", exists(false, ""), "anti_ttl", exists(true, ""));
        for (String name : queries.keySet()) {
            message("CREATE TABLE " + name + " (ad_id BIGINT, ts TIMESTAMP) WITH ('connector'='memory')");
        }
        Random random = new Random(41);
        long antiStateRows = -1;
        for (int r = 0; r < ROUNDS; r++) {
            round(r, random);
            for (Map.Entry<String, String> q : queries.entrySet()) {
                StreamingQuery run = runNamed(q.getKey(), "INSERT INTO " + q.getKey() + " " + q.getValue());
                assertTrue(run.exception().isEmpty(), () -> run.exception().get().getMessage());
                if (q.getKey().equals("anti_interval")) {
                    antiStateRows = run.lastProgress().orElseThrow().stateRows();
                }
            }
        }
        long watermark = watermark();
        assertEquals(reference(false, true, watermark), SqlQueryIT.sorted(rows("SELECT * FROM semi_interval")));
        assertEquals(reference(true, true, watermark), SqlQueryIT.sorted(rows("SELECT * FROM anti_interval")));
        assertEquals(reference(false, false, watermark), SqlQueryIT.sorted(rows("SELECT * FROM semi_ttl")));
        assertEquals(reference(true, false, watermark), SqlQueryIT.sorted(rows("SELECT * FROM anti_ttl")));
        assertTrue(!reference(true, true, watermark).isEmpty() && !reference(true, false, watermark).isEmpty());
        assertEquals(1L, antiStateRows, "the watermark evicted every key but the last pair's");
        String plan = message("EXPLAIN INSERT INTO anti_ttl " + exists(true, ""));
        assertTrue(plan.contains("StreamJoin(ANTI, keys=[ad_id = ad_id], rows of both sides kept for a state TTL of "
                + "3600000 ms since last written, rows without a match emitted at once and deleted when their first "
                + "match comes) [changes: retract"), plan);
        plan = message("EXPLAIN INSERT INTO semi_interval " + exists(false, BOUND));
        assertTrue(plan.contains("StreamJoin(SEMI, keys=[ad_id = ad_id], ts BETWEEN ts + 0 ms AND + 10000 ms"), plan);
    }

    @Test
    void inExistsAndNotExistsOnABoundedQuery() throws Exception {
        Random random = new Random(43);
        for (int r = 0; r < ROUNDS; r++) {
            round(r, random);
        }
        long none = Long.MAX_VALUE;
        assertEquals(reference(false, false, none), SqlQueryIT.sorted(rows("SELECT ad_id, ts FROM clicks WHERE ad_id "
                + "IN (SELECT ad_id FROM impressions)")));
        assertEquals(reference(false, false, none), SqlQueryIT.sorted(rows(exists(false, "").replace("STREAM ", ""))));
        assertEquals(reference(true, false, none), SqlQueryIT.sorted(rows(exists(true, "").replace("STREAM ", ""))));
        assertEquals(reference(true, true, none), SqlQueryIT.sorted(rows(exists(true, BOUND).replace("STREAM ", ""))));
        // The DataFrame API's Spark-named twins.
        DataFrame clicksFrame = sluice.table("clicks").alias("c");
        DataFrame impressionsFrame = sluice.table("impressions").alias("i");
        Column sameAd = Functions.col("c.ad_id").equalTo(Functions.col("i.ad_id"));
        assertEquals(reference(false, false, none), SqlQueryIT.sorted(clicksFrame.join(impressionsFrame, sameAd,
                "left_semi").select("ad_id", "ts").collect().rows()));
        assertEquals(reference(true, false, none), SqlQueryIT.sorted(clicksFrame.join(impressionsFrame, sameAd,
                "left_anti").select("ad_id", "ts").collect().rows()));
        SluiceException e = assertThrows(SluiceException.class, () -> rows("SELECT ad_id FROM clicks WHERE ad_id NOT IN "
                + "(SELECT ad_id FROM impressions)"));
        assertTrue(e.getMessage().contains("NOT IN over a column that can be NULL (ad_id NOT IN (SELECT ad_id ...)) is "
                + "not supported"), e.getMessage());
    }

    @Test
    void inAndNotExistsOverAStaticTableProbeItFromEachStreamRow() throws Exception {
        String adTopic = SharedKafkaBroker.createTopic("saads", 1);
        message("CREATE TABLE ads (id BIGINT) WITH ('connector'='kafka', 'topic'='" + adTopic + "', 'format'='json', "
                + "'static'='true')");
        for (long id : new long[] {2, 4, 99}) {
            SharedKafkaBroker.produce(adTopic, 0, null, "{\"id\": " + id + "}");
        }
        Random random = new Random(67);
        for (int r = 0; r < ROUNDS; r++) {
            round(r, random);
        }
        List<List<Object>> in = new ArrayList<>();
        List<List<Object>> notIn = new ArrayList<>();
        for (Event c : clicks) {
            (List.of(2L, 4L, 99L).contains(c.ad()) ? in : notIn).add(row(c.ad(), T0.plusNanos(c.millis() * 1_000_000)));
        }
        assertEquals(SqlQueryIT.sorted(in), SqlQueryIT.sorted(streamRows("SELECT STREAM ad_id, ts FROM clicks "
                + "WHERE ad_id IN (SELECT id FROM ads)")));
        assertEquals(SqlQueryIT.sorted(notIn), SqlQueryIT.sorted(streamRows("SELECT STREAM c.ad_id, c.ts FROM clicks c "
                + "WHERE NOT EXISTS (SELECT 1 FROM ads a WHERE a.id = c.ad_id)")));
        String plan = message("EXPLAIN SELECT STREAM c.ad_id FROM clicks c WHERE NOT EXISTS (SELECT 1 FROM ads a "
                + "WHERE a.id = c.ad_id)");
        assertTrue(plan.contains("LookupJoin(type=anti, keys=[ad_id = id]"), plan);
    }

    @Test
    void anAntiJoinRecoversFromACrashToTheUninterruptedResult() throws Exception {
        message("SET state.ttl = '1 h'");
        message("CREATE TABLE sa_crash_after (ad_id BIGINT, ts TIMESTAMP) WITH ('connector'='fail-once-memory', "
                + "'fail.batch'='1', 'fail.when'='after-sink')");
        message("CREATE TABLE sa_crash_before (ad_id BIGINT, ts TIMESTAMP) WITH ('connector'='fail-once-memory', "
                + "'fail.batch'='2', 'fail.when'='before-sink')");
        Random random = new Random(47);
        int crashes = 0;
        for (int r = 0; r < ROUNDS; r++) {
            round(r, random);
            for (String table : List.of("sa_crash_after", "sa_crash_before")) {
                String insert = "INSERT INTO " + table + " " + exists(true, "");
                crashes += runRestartingOnce(table + "_q", insert) ? 1 : 0;
            }
        }
        assertEquals(2, crashes);
        List<List<Object>> expected = reference(true, false, Long.MAX_VALUE);
        assertEquals(expected, SqlQueryIT.sorted(rows("SELECT * FROM sa_crash_after")), "crash after the sink");
        assertEquals(expected, SqlQueryIT.sorted(rows("SELECT * FROM sa_crash_before")), "crash before the sink");
    }
}
