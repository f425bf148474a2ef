package dev.sluice.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.connectors.testing.SharedKafkaBroker;
import dev.sluice.execution.checkpoint.BatchOffsets;
import dev.sluice.execution.checkpoint.Checkpoint;
import dev.sluice.execution.source.OffsetRange;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Batches without new input: windows, sessions and join state the last watermark closed are emitted and
 * evicted once the input stops, with every trigger, exactly once across restarts; and a restarted query
 * computes the watermarks of one that never stopped. Every expectation comes from a plain-Java model of
 * the watermark rules ({@link Reference}) over the rows produced.
 */
class NoDataBatchIT extends KafkaSessionFixture {
    private static final long BASE = 1_700_000_000_000L;  // 2023-11-14T22:13:20Z, a multiple of 10 s
    private static final long DELAY = 5_000;
    private static final long WINDOW = 10_000;
    private static final DateTimeFormatter JSON_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    @TempDir
    Path out;

    /** Creates a 2-partition topic and table {@code name} (ts, k) with a 5 s watermark delay. */
    private String clicks(String name, int partitions) {
        String topic = SharedKafkaBroker.createTopic(name, partitions);
        message("CREATE TABLE " + name + " (ts TIMESTAMP, k VARCHAR, WATERMARK FOR ts AS ts - INTERVAL '5' SECOND) "
                + "WITH ('connector'='kafka', 'topic'='" + topic + "', 'format'='json')");
        return topic;
    }

    private static void produce(String topic, int partition, String key, long seconds) {
        SharedKafkaBroker.produce(topic, partition, null, "{\"ts\": " + (BASE + seconds * 1000) + ", \"k\": \"" + key
                + "\"}");
    }

    private static String tumble(String sink, String table) {
        return "INSERT INTO " + sink + " SELECT STREAM TUMBLE_START(ts, INTERVAL '10' SECOND), COUNT(*) FROM " + table
                + " GROUP BY TUMBLE(ts, INTERVAL '10' SECOND)";
    }

    private static LocalDateTime time(long millis) {
        return LocalDateTime.ofEpochSecond(Math.floorDiv(millis, 1000), 0, ZoneOffset.UTC);
    }

    private Checkpoint checkpoint(String queryName) {
        return Checkpoint.open(home.resolve("checkpoints").resolve(queryName).toString());
    }

    /** Rows of round {@code r}: seconds after BASE per partition (index = partition). */
    private static final long[][] ONE_BATCH = {{1, 4, 12, 27, 33}, {2, 15, 41}};

    @Test
    void availableNowAndOnceEndWithTheBatchThatAppliesTheFinalWatermark() throws Exception {
        message("SET outputMode = append");
        for (String trigger : List.of("available-now", "once")) {
            String table = "clicks_" + trigger.replace("-", "_");
            String topic = clicks(table, 2);
            message("CREATE TABLE closed_" + table + " (window_start TIMESTAMP, n BIGINT) WITH ('connector'='memory')");
            Reference reference = writeOneBatch(topic);
            List<List<Object>> expected = reference.closedWindows();
            assertEquals(2, expected.size(), "the final watermark (33 s - 5 s) closes [0 s, 10 s) and [10 s, 20 s)");

            message("SET trigger = " + trigger);
            StreamingQuery q = runNamed(table, tumble("closed_" + table, table));
            assertTrue(q.exception().isEmpty(), () -> q.exception().get().getMessage());
            assertEquals(expected, SqlQueryIT.sorted(rows("SELECT * FROM closed_" + table)), trigger);

            List<QueryProgress> progress = q.recentProgress();
            assertEquals(List.of(0L, 1L), progress.stream().map(QueryProgress::batchId).toList(), trigger);
            assertEquals(8, progress.get(0).inputRows());
            assertEquals(0, progress.get(0).outputRows(), "no watermark yet: no window closed");
            assertEquals(0, progress.get(1).inputRows(), "the last batch reads nothing");
            assertEquals(reference.watermark, progress.get(1).watermarkMillis());
            assertEquals(2, progress.get(1).outputRows());
            assertEquals(progress.get(0).endOffsets(), progress.get(1).startOffsets());
            assertEquals(progress.get(1).startOffsets(), progress.get(1).endOffsets());
            // Logged like any batch: empty ranges where batch 0 ended, with the watermark it applies.
            BatchOffsets logged = checkpoint(table).offsetLog().get(1).orElseThrow();
            assertTrue(logged.sources().get(table).stream().allMatch(OffsetRange::isEmpty), logged.toString());
            assertEquals(reference.watermark, logged.watermarkMillis());
            assertTrue(checkpoint(table).commitLog().get(1).isPresent());

            // A run with nothing new and the watermark applied already runs no batch.
            StreamingQuery idle = runNamed(table, tumble("closed_" + table, table));
            assertTrue(idle.recentProgress().isEmpty(), () -> idle.recentProgress().toString());
        }
    }

    @Test
    void aProcessingTimeQueryWhoseInputStopsEmitsTheClosedWindowsAtItsNextTrigger() throws Exception {
        String topic = clicks("idle_clicks", 2);
        message("CREATE TABLE idle_closed (window_start TIMESTAMP, n BIGINT) WITH ('connector'='memory')");
        message("SET outputMode = append");
        // All 8 rows in one batch, so that the model's one batch is the query's.
        message("SET minOffsetsPerTrigger = 8");
        message("SET maxTriggerDelay = 10 min");
        message("SET trigger = 100 ms");
        message("SET query.name = idle");
        StreamingQuery q = ((StatementResult.Query) sluice.execute(tumble("idle_closed", "idle_clicks"))).query();
        try {
            Reference reference = writeOneBatch(topic);
            List<List<Object>> expected = reference.closedWindows();
            // The progress is reported after the sink took the rows: wait for both.
            SqlQueryIT.waitFor(() -> rows("SELECT * FROM idle_closed").size() >= expected.size()
                    && q.recentProgress().size() >= 2);
            assertEquals(expected, SqlQueryIT.sorted(rows("SELECT * FROM idle_closed")));
            QueryProgress last = q.lastProgress().orElseThrow();
            assertEquals(1, last.batchId());
            assertEquals(0, last.inputRows());
            assertEquals(reference.watermark, last.watermarkMillis());

            // One batch per advance of the watermark: ten more triggers without input run no batch.
            long since = System.currentTimeMillis();
            SqlQueryIT.waitFor(() -> System.currentTimeMillis() - since >= 1000);
            assertEquals(2, q.recentProgress().size(), () -> q.recentProgress().toString());

            // New input (8 rows again) that moves the watermark to 48 s: its batch, then one without input that
            // closes [20 s, 30 s) and [30 s, 40 s).
            long[][] next = {{50, 51, 52, 53}, {51, 52, 53, 54}};
            for (int p = 0; p < next.length; p++) {
                for (long s : next[p]) {
                    produce(topic, p, "a", s);
                }
            }
            reference.batch(Map.of(0, next[0], 1, next[1]));
            List<List<Object>> more = reference.closedWindows();
            assertEquals(4, more.size());
            SqlQueryIT.waitFor(() -> rows("SELECT * FROM idle_closed").size() >= more.size()
                    && q.recentProgress().size() >= 4);
            assertEquals(more, SqlQueryIT.sorted(rows("SELECT * FROM idle_closed")));
            assertEquals(4, q.recentProgress().size(), () -> q.recentProgress().toString());
        } finally {
            q.stop();
        }
        assertTrue(q.exception().isEmpty(), () -> q.exception().get().getMessage());
    }

    @Test
    void sessionsTheLastWatermarkClosedAreEmittedWithoutNewInput() throws Exception {
        String topic = clicks("session_clicks", 1);
        message("CREATE TABLE session_out (s TIMESTAMP, e TIMESTAMP, k VARCHAR, n BIGINT) WITH ('connector'='memory')");
        message("SET outputMode = append");
        message("SET trigger = available-now");
        Map<String, long[]> byKey = Map.of("a", new long[] {0, 3, 30, 33}, "b", new long[] {5, 50});
        long max = Long.MIN_VALUE;
        for (Map.Entry<String, long[]> e : new TreeMap<>(byKey).entrySet()) {
            for (long s : e.getValue()) {
                produce(topic, 0, e.getKey(), s);
                max = Math.max(max, BASE + s * 1000);
            }
        }
        // The model: sessions of a 10 s gap per key; one closes once the watermark reaches its last row + gap.
        long watermark = max - DELAY;
        long gap = 10_000;
        List<List<Object>> expected = new ArrayList<>();
        int open = 0;
        for (Map.Entry<String, long[]> e : byKey.entrySet()) {
            long start = Long.MIN_VALUE;
            long last = Long.MIN_VALUE;
            long n = 0;
            List<long[]> sessions = new ArrayList<>();
            for (long s : e.getValue()) {
                long t = BASE + s * 1000;
                if (n > 0 && t - last >= gap) {
                    sessions.add(new long[] {start, last, n});
                    n = 0;
                }
                start = n == 0 ? t : start;
                last = t;
                n++;
            }
            sessions.add(new long[] {start, last, n});
            for (long[] s : sessions) {
                if (s[1] + gap <= watermark) {
                    expected.add(KafkaSessionFixture.row(time(s[0]), time(s[1] + gap), e.getKey(), s[2]));
                } else {
                    open++;
                }
            }
        }
        assertEquals(3, expected.size());

        StreamingQuery q = runNamed("sessions", "INSERT INTO session_out SELECT STREAM SESSION_START(ts, INTERVAL '10' "
                + "SECOND), SESSION_END(ts, INTERVAL '10' SECOND), k, COUNT(*) FROM session_clicks "
                + "GROUP BY SESSION(ts, INTERVAL '10' SECOND), k");
        assertTrue(q.exception().isEmpty(), () -> q.exception().get().getMessage());
        assertEquals(SqlQueryIT.sorted(expected), SqlQueryIT.sorted(rows("SELECT * FROM session_out")));
        List<QueryProgress> progress = q.recentProgress();
        assertEquals(2, progress.size());
        assertEquals(0, progress.get(1).inputRows());
        assertEquals(watermark, progress.get(1).watermarkMillis());
        assertEquals(4, progress.get(0).stateRows());
        assertEquals(open, progress.get(1).stateRows(), "closed sessions left the state");
    }

    @Test
    void aStreamJoinEvictsWhatTheLastWatermarkClosedWithoutNewInput() throws Exception {
        String clicks = SharedKafkaBroker.createTopic("nd_clicks", 1);
        String impressions = SharedKafkaBroker.createTopic("nd_impressions", 1);
        for (String[] t : new String[][] {{"clicks", clicks}, {"impressions", impressions}}) {
            message("CREATE TABLE " + t[0] + " (ad_id BIGINT, ts TIMESTAMP, WATERMARK FOR ts AS ts - INTERVAL '5' "
                    + "SECOND) WITH ('connector'='kafka', 'topic'='" + t[1] + "', 'format'='json')");
        }
        message("CREATE TABLE matched (ad_id BIGINT, shown TIMESTAMP, clicked TIMESTAMP) WITH ('connector'='memory')");
        message("SET trigger = available-now");
        long[][] shown = {{1, 0}, {2, 1}, {3, 20}, {4, 40}};
        long[][] clicked = {{1, 3}, {1, 9}, {2, 12}, {3, 25}, {4, 48}};
        for (long[] e : shown) {
            SharedKafkaBroker.produce(impressions, 0, null, "{\"ad_id\": " + e[0] + ", \"ts\": " + (BASE + e[1] * 1000) + "}");
        }
        for (long[] e : clicked) {
            SharedKafkaBroker.produce(clicks, 0, null, "{\"ad_id\": " + e[0] + ", \"ts\": " + (BASE + e[1] * 1000) + "}");
        }
        // The model: pairs with click time in [shown, shown + 10 s]; after the batch the watermark is the
        // smaller table's max - 5 s; a click before it can meet no later impression, an impression whose
        // time + 10 s is before it no later click.
        List<List<Object>> pairs = new ArrayList<>();
        for (long[] c : clicked) {
            for (long[] i : shown) {
                if (c[0] == i[0] && c[1] >= i[1] && c[1] <= i[1] + 10) {
                    pairs.add(KafkaSessionFixture.row(c[0], time(BASE + i[1] * 1000), time(BASE + c[1] * 1000)));
                }
            }
        }
        long watermark = Math.min(maxSeconds(clicked), maxSeconds(shown)) * 1000 + BASE - DELAY;
        long kept = 0;
        for (long[] c : clicked) {
            kept += BASE + c[1] * 1000 < watermark ? 0 : 1;
        }
        for (long[] i : shown) {
            kept += BASE + i[1] * 1000 + 10_000 < watermark ? 0 : 1;
        }
        assertEquals(2, kept);

        StreamingQuery q = runNamed("evicting_join", "INSERT INTO matched SELECT STREAM c.ad_id, i.ts, c.ts FROM clicks "
                + "c JOIN impressions i ON c.ad_id = i.ad_id AND c.ts BETWEEN i.ts AND i.ts + INTERVAL '10' SECOND");
        assertTrue(q.exception().isEmpty(), () -> q.exception().get().getMessage());
        assertEquals(SqlQueryIT.sorted(pairs), SqlQueryIT.sorted(rows("SELECT * FROM matched")));
        List<QueryProgress> progress = q.recentProgress();
        assertEquals(2, progress.size());
        assertEquals(shown.length + clicked.length, progress.get(0).stateRows(), "no watermark yet: all kept");
        assertEquals(0, progress.get(1).inputRows());
        assertEquals(watermark, progress.get(1).watermarkMillis());
        assertEquals(kept, progress.get(1).stateRows(), "the batch without input evicted the rest");
    }

    private static long maxSeconds(long[][] events) {
        long max = Long.MIN_VALUE;
        for (long[] e : events) {
            max = Math.max(max, e[1]);
        }
        return max;
    }

    @Test
    void aCrashInABatchWithoutInputReRunsItWithTheSameWatermark() throws Exception {
        message("SET outputMode = append");
        message("SET trigger = available-now");
        for (String when : List.of("before-sink", "after-sink")) {
            String table = "crash_" + when.replace("-", "_");
            String topic = clicks(table, 2);
            Path dir = out.resolve(when);
            message("CREATE TABLE out_" + table + " (window_start TIMESTAMP, n BIGINT) WITH ('connector'='fail-once-file', "
                    + "'path'='" + dir + "', 'format'='json', 'fail.batch'='1', 'fail.when'='" + when + "')");
            Reference reference = writeOneBatch(topic);

            StreamingQuery crashed = runNamed(table, tumble("out_" + table, table));
            assertTrue(crashed.exception().orElseThrow().getMessage().contains("injected crash"), when);
            BatchOffsets logged = checkpoint(table).offsetLog().get(1).orElseThrow();
            assertTrue(logged.sources().get(table).stream().allMatch(OffsetRange::isEmpty));
            assertEquals(reference.watermark, logged.watermarkMillis());
            assertFalse(checkpoint(table).commitLog().get(1).isPresent(), "batch 1 was not committed");
            produce(topic, 0, "a", 100);  // arrives after the crash: not part of the re-run batch 1

            StreamingQuery restarted = runNamed(table, tumble("out_" + table, table));
            assertTrue(restarted.exception().isEmpty(), () -> restarted.exception().get().getMessage());
            QueryProgress rerun = restarted.recentProgress().get(0);
            assertEquals(1, rerun.batchId(), "the uncommitted batch is re-run first");
            assertEquals(0, rerun.inputRows());
            assertEquals(reference.watermark, rerun.watermarkMillis(), "with the watermark it was logged with");
            reference.batch(Map.of(0, new long[] {100}));
            List<String> expected = new ArrayList<>();
            for (List<Object> w : reference.closedWindows()) {
                expected.add("{\"window_start\":\"" + JSON_TIME.format((LocalDateTime) w.get(0)) + "\",\"n\":" + w.get(1)
                        + "}");
            }
            List<String> lines = new ArrayList<>(FileSinkContents.committedLines(dir.toString()));
            lines.sort(null);
            expected.sort(null);
            assertEquals(expected, lines, "every closed window exactly once (" + when + ")");
            assertEquals(List.of(1L, 2L, 3L), restarted.recentProgress().stream().map(QueryProgress::batchId).toList());
        }
    }

    @Test
    void onceReRunningACrashedBatchEndsWithTheBatchThatAppliesItsWatermark() throws Exception {
        message("SET outputMode = append");
        message("SET trigger = once");
        String topic = clicks("once_crash", 2);
        Path dir = out.resolve("once");
        message("CREATE TABLE once_out (window_start TIMESTAMP, n BIGINT) WITH ('connector'='fail-once-file', "
                + "'path'='" + dir + "', 'format'='json', 'fail.batch'='0', 'fail.when'='before-sink')");
        Reference reference = writeOneBatch(topic);
        assertTrue(runNamed("once_crash", tumble("once_out", "once_crash")).exception().isPresent());

        // The restart re-runs batch 0 (once's only batch), then applies the watermark it moved, and stops.
        StreamingQuery restarted = runNamed("once_crash", tumble("once_out", "once_crash"));
        assertTrue(restarted.exception().isEmpty(), () -> restarted.exception().get().getMessage());
        assertEquals(List.of(0L, 1L), restarted.recentProgress().stream().map(QueryProgress::batchId).toList());
        assertEquals(reference.watermark, restarted.recentProgress().get(1).watermarkMillis());
        assertEquals(reference.closedWindows().size(), FileSinkContents.committedLines(dir.toString()).size());
        assertEquals(2, reference.closedWindows().size());
    }

    /**
     * Rounds whose watermark depends on partition maxima read before a restart: after round 1 partition 0's
     * largest event time is 100 s (round 0), not 20 s (round 1), so the watermark is 95 s and round 2's row
     * at 50 s is late. A query that forgot the maxima when it restarted would take 15 s and count it.
     */
    private static final long[][][] ROUNDS = {{{100}, {10}}, {{20}, {200}}, {{50}, {201}}, {{300}, {300}}};

    @Test
    void aRestartedQueryComputesTheWatermarksOfAnUninterruptedOne() throws Exception {
        String topic = clicks("rounds", 2);
        message("CREATE TABLE restarted (window_start TIMESTAMP, n BIGINT) WITH ('connector'='memory')");
        message("CREATE TABLE uninterrupted (window_start TIMESTAMP, n BIGINT) WITH ('connector'='memory')");
        message("SET outputMode = append");
        // The uninterrupted query runs a batch per round: each round's 2 rows, together.
        message("SET minOffsetsPerTrigger = 2");
        message("SET maxTriggerDelay = 10 min");
        message("SET trigger = 100 ms");
        message("SET query.name = uninterrupted");
        StreamingQuery running = ((StatementResult.Query) sluice.execute(tumble("uninterrupted", "rounds"))).query();
        Reference reference = new Reference();
        long restartedLate = 0;
        try {
            for (int r = 0; r < ROUNDS.length; r++) {
                for (int p = 0; p < 2; p++) {
                    for (long s : ROUNDS[r][p]) {
                        produce(topic, p, "a", s);
                    }
                }
                reference.batch(Map.of(0, ROUNDS[r][0], 1, ROUNDS[r][1]));
                long read = 2L * (r + 1);
                SqlQueryIT.waitFor(() -> running.recentProgress().stream().anyMatch(p -> p.endOffsets().get("rounds")
                        .values().stream().mapToLong(Long::longValue).sum() == read));
                // The restarted query: a new run (from its checkpoint) for every round.
                message("SET trigger = available-now");
                StreamingQuery run = runNamed("restarted", tumble("restarted", "rounds"));
                message("SET trigger = 100 ms");
                assertTrue(run.exception().isEmpty(), () -> run.exception().get().getMessage());
                assertEquals(reference.watermark, run.lastProgress().orElseThrow().watermarkMillis(), "round " + r);
                restartedLate += run.recentProgress().stream().mapToLong(QueryProgress::lateRows).sum();
            }
            List<List<Object>> expected = reference.closedWindows();
            assertEquals(4, expected.size());
            assertEquals(1, reference.late, "the row at 50 s is behind the 95 s watermark");
            SqlQueryIT.waitFor(() -> rows("SELECT * FROM uninterrupted").size() >= expected.size());
            assertEquals(expected, SqlQueryIT.sorted(rows("SELECT * FROM uninterrupted")));
            assertEquals(expected, SqlQueryIT.sorted(rows("SELECT * FROM restarted")));
            assertEquals(reference.late, restartedLate);
            assertEquals(reference.late, running.recentProgress().stream().mapToLong(QueryProgress::lateRows).sum());
        } finally {
            running.stop();
        }
        // The maxima behind the watermark are in the last commit record.
        Checkpoint cp = checkpoint("restarted");
        long lastCommit = cp.lastCommittedBatch().orElseThrow();
        assertEquals(List.of(BASE + 300_000, BASE + 300_000), cp.commitLog().get(lastCommit).orElseThrow()
                .maxEventTimes().get("rounds").stream().map(t -> t.maxEventTimeMillis()).toList());
    }

    /** Writes {@link #ONE_BATCH} (key "a") to the topic's partitions; returns the reference over it, as one batch. */
    private static Reference writeOneBatch(String topic) {
        Reference reference = new Reference();
        Map<Integer, long[]> batch = new TreeMap<>();
        for (int p = 0; p < ONE_BATCH.length; p++) {
            for (long s : ONE_BATCH[p]) {
                produce(topic, p, "a", s);
            }
            batch.put(p, ONE_BATCH[p]);
        }
        reference.batch(batch);
        return reference;
    }

    /**
     * The watermark rules of the user guide, in plain Java, for one watermarked table (delay 5 s) and
     * tumbling windows of 10 s: per batch, rows behind the watermark the batch runs with are late; after
     * it, the watermark is the smallest largest-event-time-so-far of the partitions that had rows in it,
     * minus the delay, and never goes back.
     */
    private static final class Reference {
        private final Map<Integer, Long> maxByPartition = new HashMap<>();
        private final Map<Long, Long> counts = new TreeMap<>();
        long watermark = Long.MIN_VALUE;
        long late;

        /** One batch: seconds after BASE, per partition. */
        void batch(Map<Integer, long[]> rows) {
            long candidate = Long.MAX_VALUE;
            for (Map.Entry<Integer, long[]> e : rows.entrySet()) {
                for (long s : e.getValue()) {
                    long t = BASE + s * 1000;
                    if (watermark != Long.MIN_VALUE && t < watermark) {
                        late++;
                    } else {
                        counts.merge(Math.floorDiv(t, WINDOW) * WINDOW, 1L, Long::sum);
                    }
                    maxByPartition.merge(e.getKey(), t, Math::max);
                }
                if (e.getValue().length > 0) {
                    candidate = Math.min(candidate, maxByPartition.get(e.getKey()) - DELAY);
                }
            }
            if (candidate != Long.MAX_VALUE) {
                watermark = Math.max(watermark, candidate);
            }
        }

        /** (window start, count) of every window whose end the watermark reached, by start. */
        List<List<Object>> closedWindows() {
            List<List<Object>> closed = new ArrayList<>();
            counts.forEach((start, n) -> {
                if (watermark != Long.MIN_VALUE && start + WINDOW <= watermark) {
                    closed.add(KafkaSessionFixture.row(time(start), n));
                }
            });
            return closed;
        }
    }
}
