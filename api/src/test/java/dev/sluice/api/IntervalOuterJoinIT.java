package dev.sluice.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.connectors.testing.SharedKafkaBroker;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * LEFT, RIGHT and FULL OUTER interval joins of two streams: a row without a match is emitted null-padded once
 * the watermark passes the last time a match could come, checked against a plain-Java reference over the input.
 */
class IntervalOuterJoinIT extends KafkaSessionFixture {
    private static final long BASE = 1_700_000_000_000L;
    private static final LocalDateTime T0 = LocalDateTime.of(2023, 11, 14, 22, 13, 20);
    private static final int ROUNDS = 5;  // the last one only moves the watermark past every earlier row
    private static final String TEN_SECONDS = "c.ts BETWEEN i.ts AND i.ts + INTERVAL '10' SECOND";
    private static final String UNTIL_EXPIRY = "c.ts BETWEEN i.ts AND i.expires";

    private record Click(long ad, long millis) {
    }

    private record Impression(long ad, long millis, long expires) {
    }

    private final List<Click> clicks = new ArrayList<>();
    private final List<Impression> impressions = new ArrayList<>();
    private String clickTopic;
    private String impressionTopic;

    @BeforeEach
    void createTables() {
        clickTopic = SharedKafkaBroker.createTopic("ojclicks", 1);
        impressionTopic = SharedKafkaBroker.createTopic("ojimpressions", 1);
        message("CREATE TABLE clicks (ad_id BIGINT, ts TIMESTAMP, WATERMARK FOR ts AS ts - INTERVAL '5' SECOND) "
                + "WITH ('connector'='kafka', 'topic'='" + clickTopic + "', 'format'='json')");
        message("CREATE TABLE impressions (ad_id BIGINT, ts TIMESTAMP, expires TIMESTAMP, WATERMARK FOR ts AS ts - "
                + "INTERVAL '5' SECOND) WITH ('connector'='kafka', 'topic'='" + impressionTopic + "', 'format'='json')");
        message("SET trigger = available-now");
    }

    /**
     * Round {@code r}: events between {@code 10 r + 1} and {@code 10 r + 15} seconds, none behind the watermark
     * the earlier rounds set (their latest time minus 5 s); the last round, one pair far ahead.
     */
    private void round(int r, Random random) {
        if (r == ROUNDS - 1) {
            click(99, 200_000);
            impression(99, 200_000, 210_000);
            return;
        }
        for (int n = 0; n < 6; n++) {
            click(1 + random.nextInt(4), r * 10_000L + 1_000 + random.nextInt(14_000));
        }
        for (int n = 0; n < 4; n++) {
            long at = r * 10_000L + 1_000 + random.nextInt(14_000);
            impression(1 + random.nextInt(4), at, at + random.nextInt(20_000));
        }
    }

    private void click(long ad, long millis) {
        clicks.add(new Click(ad, millis));
        SharedKafkaBroker.produce(clickTopic, 0, null, "{\"ad_id\": " + ad + ", \"ts\": " + (BASE + millis) + "}");
    }

    private void impression(long ad, long millis, long expires) {
        impressions.add(new Impression(ad, millis, expires));
        SharedKafkaBroker.produce(impressionTopic, 0, null, "{\"ad_id\": " + ad + ", \"ts\": " + (BASE + millis)
                + ", \"expires\": " + (BASE + expires) + "}");
    }

    private static String join(String type, String bound) {
        return "SELECT STREAM c.ad_id, c.ts, i.ad_id, i.ts FROM clicks c " + type + " JOIN impressions i "
                + "ON c.ad_id = i.ad_id AND " + bound;
    }

    private static LocalDateTime time(long millis) {
        return T0.plusNanos(millis * 1_000_000);
    }

    /**
     * What the join has emitted once the watermark is {@code watermark}: the pairs, and each row of a kept side
     * without a match whose last chance of one the watermark has passed.
     */
    private List<List<Object>> reference(String type, boolean untilExpiry, long watermark) {
        boolean keepLeft = type.equals("LEFT") || type.equals("FULL");
        boolean keepRight = type.equals("RIGHT") || type.equals("FULL");
        List<List<Object>> out = new ArrayList<>();
        boolean[] rightMatched = new boolean[impressions.size()];
        for (Click c : clicks) {
            boolean matched = false;
            for (int n = 0; n < impressions.size(); n++) {
                Impression i = impressions.get(n);
                long upper = untilExpiry ? i.expires() : i.millis() + 10_000;
                if (c.ad() == i.ad() && c.millis() >= i.millis() && c.millis() <= upper) {
                    out.add(row(c.ad(), time(c.millis()), i.ad(), time(i.millis())));
                    matched = true;
                    rightMatched[n] = true;
                }
            }
            // A click matches impressions up to its own time: none can come once the watermark passed it.
            if (!matched && keepLeft && c.millis() < watermark) {
                out.add(row(c.ad(), time(c.millis()), null, null));
            }
        }
        for (int n = 0; n < impressions.size(); n++) {
            Impression i = impressions.get(n);
            long last = untilExpiry ? i.expires() : i.millis() + 10_000;
            if (!rightMatched[n] && keepRight && last < watermark) {
                out.add(row(null, null, i.ad(), time(i.millis())));
            }
        }
        return SqlQueryIT.sorted(out);
    }

    /** The watermark: the slower table's latest event time, minus its 5 s delay. */
    private long finalWatermark() {
        return minOfMaxes() - 5_000;
    }

    @Test
    void leftRightAndFullOuterJoinsEmitTheRowsWithoutAMatchOnceTheWatermarkPassesTheirBound() throws Exception {
        List<String> types = List.of("LEFT", "RIGHT", "FULL");
        for (String type : types) {
            message("CREATE TABLE out_" + type + " (c_ad BIGINT, c_ts TIMESTAMP, i_ad BIGINT, i_ts TIMESTAMP) "
                    + "WITH ('connector'='memory')");
        }
        Random random = new Random(11);
        List<Long> fullStateRows = new ArrayList<>();
        for (int r = 0; r < ROUNDS; r++) {
            round(r, random);
            for (String type : types) {
                StreamingQuery q = runNamed("outer_" + type, "INSERT INTO out_" + type + " " + join(type, TEN_SECONDS));
                assertTrue(q.exception().isEmpty(), () -> q.exception().get().getMessage());
                if (type.equals("FULL")) {
                    fullStateRows.add(q.lastProgress().orElseThrow().stateRows());
                }
                if (r == 1) {
                    // Mid-way: only the rows whose bound the watermark passed are out, null-padded.
                    assertEquals(reference(type, false, minOfMaxes() - 5_000),
                            SqlQueryIT.sorted(rows("SELECT * FROM out_" + type)), type + " after round 1");
                }
            }
        }
        for (String type : types) {
            List<List<Object>> expected = reference(type, false, finalWatermark());
            assertEquals(expected, SqlQueryIT.sorted(rows("SELECT * FROM out_" + type)), type);
            assertTrue(expected.stream().anyMatch(row -> row.contains(null)), "some rows have no match: " + expected);
            // The bounded twin over the same input: every row without a match, at the end of the input.
            assertEquals(expected, SqlQueryIT.sorted(rows(join(type, TEN_SECONDS).replace("SELECT STREAM", "SELECT"))),
                    "bounded " + type);
        }
        // The watermark evicts: in the end only the last pair's rows (one key), which it has not passed, are kept.
        assertEquals(1L, fullStateRows.get(ROUNDS - 1), fullStateRows.toString());
        assertTrue(fullStateRows.stream().anyMatch(n -> n > 1), fullStateRows.toString());
        String plan = message("EXPLAIN INSERT INTO out_FULL " + join("FULL", TEN_SECONDS));
        assertTrue(plan.contains("StreamJoin(FULL, keys=[ad_id = ad_id], ts BETWEEN ts + 0 ms AND + 10000 ms, rows of "
                + "both sides wait until the watermark passes their bound, rows without a match emitted null-padded "
                + "when it passes) [changes: append; state: "), plan);
        assertTrue(plan.contains("watermark: its inputs' minus 10000 ms"), plan);
    }

    /** The smaller of the two tables' latest event times: the watermark is the slower table's. */
    private long minOfMaxes() {
        return Math.min(clicks.stream().mapToLong(Click::millis).max().orElseThrow(),
                impressions.stream().mapToLong(Impression::millis).max().orElseThrow());
    }

    @Test
    void aColumnBoundKeepsEachImpressionUntilItsOwnExpiry() throws Exception {
        message("CREATE TABLE expiring (c_ad BIGINT, c_ts TIMESTAMP, i_ad BIGINT, i_ts TIMESTAMP) "
                + "WITH ('connector'='memory')");
        message("CREATE TABLE expiring_inner (c_ad BIGINT, c_ts TIMESTAMP, i_ad BIGINT, i_ts TIMESTAMP) "
                + "WITH ('connector'='memory')");
        Random random = new Random(5);
        long stateRows = -1;
        for (int r = 0; r < ROUNDS; r++) {
            round(r, random);
            StreamingQuery q = runNamed("expiring", "INSERT INTO expiring " + join("FULL", UNTIL_EXPIRY));
            assertTrue(q.exception().isEmpty(), () -> q.exception().get().getMessage());
            stateRows = q.lastProgress().orElseThrow().stateRows();
            StreamingQuery inner = runNamed("expiring_inner", "INSERT INTO expiring_inner " + join("", UNTIL_EXPIRY));
            assertTrue(inner.exception().isEmpty(), () -> inner.exception().get().getMessage());
        }
        List<List<Object>> expected = reference("FULL", true, finalWatermark());
        assertEquals(expected, SqlQueryIT.sorted(rows("SELECT * FROM expiring")));
        assertEquals(reference("INNER", true, finalWatermark()), SqlQueryIT.sorted(rows("SELECT * FROM expiring_inner")));
        assertEquals(1L, stateRows, "only the last pair's key is left");
        String plan = message("EXPLAIN INSERT INTO expiring " + join("FULL", UNTIL_EXPIRY));
        assertTrue(plan.contains("ts >= ts + 0 ms AND ts <= expires + 0 ms"), plan);
        // The lower bound on the impression's expiry (not its event time) could never clean the state.
        SluiceException e = assertThrows(SluiceException.class, () -> sluice.execute(
                join("LEFT", "c.ts BETWEEN i.expires AND i.ts"), b -> { }));
        assertTrue(e.getMessage().contains("needs the event time (the WATERMARK column) of [impressions] in its lower "
                + "bound"), e.getMessage());
    }

    @Test
    void anOuterIntervalJoinRecoversFromACrashToTheUninterruptedResult() throws Exception {
        // Batches: two per round (its data, then the watermark it moved); 2 is round 1's data, 3 its watermark.
        message("CREATE TABLE oj_crash_after (c_ad BIGINT, c_ts TIMESTAMP, i_ad BIGINT, i_ts TIMESTAMP) WITH ("
                + "'connector'='fail-once-memory', 'fail.batch'='2', 'fail.when'='after-sink')");
        message("CREATE TABLE oj_crash_before (c_ad BIGINT, c_ts TIMESTAMP, i_ad BIGINT, i_ts TIMESTAMP) WITH ("
                + "'connector'='fail-once-memory', 'fail.batch'='3', 'fail.when'='before-sink')");
        Random random = new Random(3);
        int crashes = 0;
        for (int r = 0; r < ROUNDS; r++) {
            round(r, random);
            for (String table : List.of("oj_crash_after", "oj_crash_before")) {
                String insert = "INSERT INTO " + table + " " + join("FULL", TEN_SECONDS);
                crashes += runRestartingOnce(table + "_q", insert) ? 1 : 0;
            }
        }
        assertEquals(2, crashes);
        List<List<Object>> expected = reference("FULL", false, finalWatermark());
        assertEquals(expected, SqlQueryIT.sorted(rows("SELECT * FROM oj_crash_after")), "crash after the sink");
        assertEquals(expected, SqlQueryIT.sorted(rows("SELECT * FROM oj_crash_before")), "crash before the sink");
    }
}
