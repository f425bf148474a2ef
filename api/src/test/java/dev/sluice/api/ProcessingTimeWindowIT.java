package dev.sluice.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.connectors.testing.SharedKafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code PROCTIME()} in continuous queries: each row's processing time is its batch's time as logged in the
 * offset log, and a tumbling window over it closes when a later batch's time passes its end. Checked against a
 * reference computed in plain Java from the rows of each batch and the times the offset log holds; a crash and
 * restart re-runs the logged batch with the same time, so the result equals an uninterrupted run's.
 */
class ProcessingTimeWindowIT extends KafkaSessionFixture {
    private static final int ROUNDS = 3;
    private static final long WINDOW = 1_000;
    private static final Pattern TIME = Pattern.compile("\"timestampMillis\":(\\d+)");

    /** Each round's bidders. */
    private final List<List<Long>> rounds = new ArrayList<>();
    private final Random random = new Random(5);
    private String topic;

    @BeforeEach
    void createTable() {
        topic = SharedKafkaBroker.createTopic("procbids", 2);
        message("CREATE TABLE bid (bidder BIGINT, price BIGINT) WITH ('connector'='kafka', 'topic'='" + topic
                + "', 'format'='json')");
        message("CREATE VIEW B AS SELECT *, PROCTIME() AS p_time FROM bid");
        message("SET trigger = available-now");
        message("SET outputMode = append");
    }

    private void round() {
        List<Long> bidders = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            long bidder = random.nextInt(5);
            bidders.add(bidder);
            SharedKafkaBroker.produce(topic, random.nextInt(2), null, "{\"bidder\": " + bidder + ", \"price\": " + i + "}");
        }
        rounds.add(bidders);
    }

    private static final String COUNTS = """
            SELECT STREAM bidder, COUNT(*) AS bid_count, window_start, window_end
            FROM TABLE(TUMBLE(TABLE B, DESCRIPTOR(p_time), INTERVAL '1' SECOND))
            GROUP BY bidder, window_start, window_end""";

    /** The time logged for batch {@code batchId} of query {@code name}. */
    private long loggedTime(String name, long batchId) throws Exception {
        String text = Files.readString(home.resolve("checkpoints").resolve(name).resolve("offsets")
                .resolve(String.valueOf(batchId)));
        Matcher m = TIME.matcher(text);
        assertTrue(m.find(), text);
        return Long.parseLong(m.group(1));
    }

    /** Waits until the next 1 s window of processing time has begun. */
    private static void nextWindow() throws InterruptedException {
        long now = System.currentTimeMillis();
        Thread.sleep(WINDOW - now % WINDOW + 20);
    }

    /**
     * The windows closed by the last batch: per batch {@code b} (one per round), the window of its logged time,
     * closed if the last batch's time is past its end; counted per bidder.
     */
    private List<List<Object>> reference(String name) throws Exception {
        long last = loggedTime(name, rounds.size() - 1);
        List<List<Object>> expected = new ArrayList<>();
        Map<Long, Map<Long, Long>> perWindow = new TreeMap<>();
        for (int b = 0; b < rounds.size(); b++) {
            long start = Math.floorDiv(loggedTime(name, b), WINDOW) * WINDOW;
            if (start + WINDOW <= last) {
                Map<Long, Long> counts = perWindow.computeIfAbsent(start, s -> new TreeMap<>());
                rounds.get(b).forEach(bidder -> counts.merge(bidder, 1L, Long::sum));
            }
        }
        perWindow.forEach((start, counts) -> counts.forEach((bidder, n) -> expected.add(row(bidder, n, time(start),
                time(start + WINDOW)))));
        return expected;
    }

    private static LocalDateTime time(long millis) {
        return LocalDateTime.ofInstant(Instant.ofEpochMilli(millis), ZoneOffset.UTC);
    }

    @Test
    void aProcessingTimeWindowHoldsEachBatchsRowsAndClosesWhenALaterBatchPassesIt() throws Exception {
        message("CREATE TABLE counts (bidder BIGINT, bid_count BIGINT, ws TIMESTAMP, we TIMESTAMP) WITH "
                + "('connector'='memory')");
        for (int r = 0; r < ROUNDS; r++) {
            nextWindow();
            round();
            StreamingQuery q = runNamed("proc_q", "INSERT INTO counts " + COUNTS);
            assertTrue(q.exception().isEmpty(), () -> q.exception().get().getMessage());
        }
        List<List<Object>> expected = reference("proc_q");
        assertEquals(2 * 5, expected.size(), "two closed windows, 5 bidders each: " + expected);
        assertEquals(SqlQueryIT.sorted(expected), SqlQueryIT.sorted(rows("SELECT * FROM counts")));
        String plan = message("EXPLAIN " + COUNTS);
        assertTrue(plan.contains("1000 ms tumbling over processing time"), plan);
    }

    @Test
    void aBatchReRunAfterACrashGetsItsLoggedProcessingTime() throws Exception {
        message("CREATE TABLE counts (bidder BIGINT, bid_count BIGINT, ws TIMESTAMP, we TIMESTAMP) WITH "
                + "('connector'='fail-once-memory', 'fail.batch'='1', 'fail.when'='before-sink')");
        boolean crashed = false;
        for (int r = 0; r < ROUNDS; r++) {
            nextWindow();
            round();
            StreamingQuery q = runNamed("proc_crash", "INSERT INTO counts " + COUNTS);
            if (q.exception().isPresent()) {
                assertTrue(q.exception().get().getMessage().contains("injected crash"), q.exception().get().getMessage());
                crashed = true;
                long logged = loggedTime("proc_crash", r);
                nextWindow();  // the restart is in a later window: the re-run batch must keep its logged time
                StreamingQuery again = runNamed("proc_crash", "INSERT INTO counts " + COUNTS);
                assertTrue(again.exception().isEmpty(), () -> "" + again.exception());
                assertEquals(logged, loggedTime("proc_crash", r));
            }
        }
        assertTrue(crashed, "batch 1 crashed and was re-run");
        assertEquals(SqlQueryIT.sorted(reference("proc_crash")), SqlQueryIT.sorted(rows("SELECT * FROM counts")));
    }

    @Test
    void aWindowTopNOverProcessingTimeEmitsEachWindowsTopWhenALaterBatchPassesIt() throws Exception {
        message("CREATE TABLE top2 (bidder BIGINT, price BIGINT, ws TIMESTAMP, rn BIGINT) WITH ('connector'='memory')");
        String insert = "INSERT INTO top2 SELECT STREAM bidder, price, window_start, rn FROM (SELECT *, ROW_NUMBER() "
                + "OVER (PARTITION BY window_start, window_end ORDER BY price DESC) AS rn FROM TABLE(TUMBLE(TABLE B, "
                + "DESCRIPTOR(p_time), INTERVAL '1' SECOND))) WHERE rn <= 2";
        for (int r = 0; r < ROUNDS; r++) {
            nextWindow();
            round();
            StreamingQuery q = runNamed("proc_top", insert);
            assertTrue(q.exception().isEmpty(), () -> q.exception().get().getMessage());
        }
        // Prices are 0-29 in each round: a closed window's top 2 are the round's 29 and 28.
        long last = loggedTime("proc_top", ROUNDS - 1);
        List<List<Object>> expected = new ArrayList<>();
        for (int b = 0; b < ROUNDS; b++) {
            long start = Math.floorDiv(loggedTime("proc_top", b), WINDOW) * WINDOW;
            if (start + WINDOW <= last) {
                expected.add(row(rounds.get(b).get(29), 29L, time(start), 1L));
                expected.add(row(rounds.get(b).get(28), 28L, time(start), 2L));
            }
        }
        assertEquals(4, expected.size(), "two closed windows");
        assertEquals(SqlQueryIT.sorted(expected), SqlQueryIT.sorted(rows("SELECT * FROM top2")));
        String plan = message("EXPLAIN " + insert);
        assertTrue(plan.contains("closes at window_end (processing time)"), plan);
    }

    @Test
    void aBoundedQueryStillGetsOneProcessingTimeForEveryRow() throws Exception {
        round();
        List<List<Object>> rows = rows("SELECT COUNT(*), COUNT(DISTINCT window_start) FROM TABLE(TUMBLE(TABLE B, "
                + "DESCRIPTOR(p_time), INTERVAL '1' SECOND))");
        assertEquals(List.of(row(30L, 1L)), rows);
    }
}
