package dev.sluice.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.connectors.testing.SharedKafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Joins of two streams within an event-time bound, with their state cleaned by the watermark. */
class StreamJoinIT extends KafkaSessionFixture {
    private static final long BASE = 1_700_000_000_000L;  // 2023-11-14T22:13:20Z
    private static final LocalDateTime T0 = LocalDateTime.of(2023, 11, 14, 22, 13, 20);
    private static final String JOIN = "SELECT STREAM c.ad_id, i.ts, c.ts FROM clicks c JOIN impressions i "
            + "ON c.ad_id = i.ad_id AND c.ts BETWEEN i.ts AND i.ts + INTERVAL '10' SECOND";

    @TempDir
    Path out;

    private String clicks;
    private String impressions;

    @BeforeEach
    void createTables() {
        clicks = SharedKafkaBroker.createTopic("sjclicks", 1);
        impressions = SharedKafkaBroker.createTopic("sjimpressions", 1);
        for (String[] t : new String[][] {{"clicks", clicks}, {"impressions", impressions}}) {
            message("CREATE TABLE " + t[0] + " (ad_id BIGINT, ts TIMESTAMP, WATERMARK FOR ts AS ts - INTERVAL '5' "
                    + "SECOND) WITH ('connector'='kafka', 'topic'='" + t[1] + "', 'format'='json')");
        }
        message("SET trigger = available-now");
    }

    private void event(String topic, long ad, long seconds) {
        SharedKafkaBroker.produce(topic, 0, null, "{\"ad_id\": " + ad + ", \"ts\": " + (BASE + seconds * 1000) + "}");
    }

    /** Round r of events; each round is one batch of the query. */
    private void round(int r) {
        switch (r) {
            case 0 -> {
                event(impressions, 1, 0);
                event(impressions, 2, 1);
                event(clicks, 1, 3);
            }
            case 1 -> {
                event(clicks, 2, 12);  // 11 s after ad 2's impression: too late to match
                event(clicks, 1, 9);
                event(impressions, 3, 20);
            }
            case 2 -> event(clicks, 3, 25);
            case 3 -> {
                event(clicks, 1, 30);
                event(clicks, 3, 2);  // behind the watermark (15 s): dropped, counted late
            }
            default -> throw new IllegalArgumentException("no round " + r);
        }
    }


    private static final List<List<Object>> MATCHES = List.of(
            row(1L, T0, T0.plusSeconds(3)), row(1L, T0, T0.plusSeconds(9)),
            row(3L, T0.plusSeconds(20), T0.plusSeconds(25)));

    @Test
    void pairsWithinTheBoundAreEmittedOnceAndTheWatermarkCleansTheState() throws Exception {
        message("CREATE TABLE matched (ad_id BIGINT, shown TIMESTAMP, clicked TIMESTAMP) WITH ('connector'='memory')");
        List<Long> stateRows = new ArrayList<>();
        List<Long> late = new ArrayList<>();
        for (int r = 0; r < 4; r++) {
            round(r);
            StreamingQuery q = runNamed("matcher", "INSERT INTO matched " + JOIN);
            assertTrue(q.exception().isEmpty(), () -> q.exception().get().getMessage());
            stateRows.add(q.lastProgress().orElseThrow().stateRows());
            late.add(q.recentProgress().stream().mapToLong(QueryProgress::lateRows).sum());
        }
        assertEquals(MATCHES, SqlQueryIT.sorted(rows("SELECT * FROM matched")));
        // Each run ends with a batch without input that applies the watermark its data batch moved: after
        // round 1 (7 s) it drops the click at 3 s; after round 2 (20 s) the clicks at 9 s and 12 s and the
        // impressions at 0 s and 1 s, which no click at or after 20 s can match; after round 3 (25 s) nothing.
        assertEquals(List.of(3L, 5L, 2L, 3L), stateRows);
        assertEquals(List.of(0L, 0L, 0L, 1L), late);
        // The bounded twin over the same offsets: the same pairs.
        assertEquals(MATCHES, SqlQueryIT.sorted(rows(JOIN.replace("SELECT STREAM", "SELECT"))));
        String plan = message("EXPLAIN INSERT INTO matched " + JOIN);
        assertTrue(plan.contains("StreamJoin(keys=[ad_id = ad_id], ts BETWEEN ts + 0 ms AND + 10000 ms"), plan);
        assertTrue(plan.contains("rows of both sides wait until the watermark passes their bound) [changes: append; "
                + "state: "), plan);
        assertTrue(plan.contains("watermark: its inputs' minus 10000 ms"), plan);
        assertTrue(plan.contains("Scan(table=clicks, columns=[ad_id, ts])"), "only the columns used are kept: " + plan);
        assertTrue(plan.contains("/state/join"), plan);
    }

    /** The same join written as a comma join, its equality and time bound in WHERE: the same plan and rows. */
    @Test
    void aCommaJoinWithItsConditionsInWhereRunsAsItsJoinOnForm() throws Exception {
        String commaJoin = "SELECT STREAM c.ad_id, i.ts, c.ts FROM clicks c, impressions i "
                + "WHERE c.ad_id = i.ad_id AND c.ts BETWEEN i.ts AND i.ts + INTERVAL '10' SECOND";
        message("CREATE TABLE matched (ad_id BIGINT, shown TIMESTAMP, clicked TIMESTAMP) WITH ('connector'='memory')");
        for (int r = 0; r < 4; r++) {
            round(r);
            StreamingQuery q = runNamed("comma", "INSERT INTO matched " + commaJoin);
            assertTrue(q.exception().isEmpty(), () -> q.exception().get().getMessage());
        }
        assertEquals(MATCHES, SqlQueryIT.sorted(rows("SELECT * FROM matched")));
        assertEquals(MATCHES, SqlQueryIT.sorted(rows(commaJoin.replace("SELECT STREAM", "SELECT"))));
        assertEquals(physicalPlan("EXPLAIN " + JOIN), physicalPlan("EXPLAIN " + commaJoin));
        assertEquals(physicalPlan("EXPLAIN " + JOIN.replace("SELECT STREAM", "SELECT")),
                physicalPlan("EXPLAIN " + commaJoin.replace("SELECT STREAM", "SELECT")));
    }

    /** EXPLAIN's physical plan section. */
    private String physicalPlan(String explain) {
        String plan = message(explain);
        int start = plan.indexOf("== Physical plan");
        int end = plan.indexOf("\n\n", start);
        return plan.substring(start, end < 0 ? plan.length() : end);
    }

    @Test
    void aCrashedBatchIsReRunFromTheJoinStateOfThePreviousOne() throws Exception {
        message("CREATE TABLE matched (ad_id BIGINT, shown TIMESTAMP, clicked TIMESTAMP) WITH ("
                + "'connector'='fail-once-file', 'path'='" + out + "', 'format'='json', 'fail.batch'='2', "
                + "'fail.when'='after-sink')");
        round(0);
        assertTrue(runNamed("crashy", "INSERT INTO matched " + JOIN).exception().isEmpty());
        round(1);
        StreamingQuery crashed = runNamed("crashy", "INSERT INTO matched " + JOIN);
        assertTrue(crashed.exception().orElseThrow().getMessage().contains("injected crash after"));
        round(2);
        StreamingQuery restarted = runNamed("crashy", "INSERT INTO matched " + JOIN);
        assertTrue(restarted.exception().isEmpty(), () -> restarted.exception().get().getMessage());
        List<String> lines = new ArrayList<>(FileSinkContents.committedLines(out.toString()));
        lines.sort(null);
        assertEquals(List.of(
                "{\"ad_id\":1,\"shown\":\"2023-11-14 22:13:20.000\",\"clicked\":\"2023-11-14 22:13:23.000\"}",
                "{\"ad_id\":1,\"shown\":\"2023-11-14 22:13:20.000\",\"clicked\":\"2023-11-14 22:13:29.000\"}",
                "{\"ad_id\":3,\"shown\":\"2023-11-14 22:13:40.000\",\"clicked\":\"2023-11-14 22:13:45.000\"}"), lines);
    }

    @Test
    void streamJoinsThatCanNotRunSaySo() {
        SluiceException e = assertThrows(SluiceException.class, () -> sluice.execute("SELECT STREAM c.ad_id FROM clicks c "
                + "JOIN impressions i ON c.ad_id = i.ad_id", b -> { }));
        assertTrue(e.getMessage().contains("needs a bound between their event times"), e.getMessage());
        assertTrue(e.getMessage().contains("SET state.ttl"), e.getMessage());
        e = assertThrows(SluiceException.class, () -> sluice.execute("SELECT STREAM c.ad_id FROM clicks c LEFT JOIN "
                + "impressions i ON c.ad_id = i.ad_id AND c.ts BETWEEN i.ts AND i.ts + INTERVAL '10' SECOND "
                + "AND c.ad_id > 2", b -> { }));
        assertTrue(e.getMessage().contains("The ON clause of a LEFT OUTER JOIN ([clicks] and [impressions]) may only "
                + "have equalities and a time bound"), e.getMessage());
    }
}
