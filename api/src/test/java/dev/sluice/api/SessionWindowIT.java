package dev.sluice.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.connectors.testing.SharedKafkaBroker;
import java.time.LocalDateTime;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** GROUP BY SESSION: sessions that grow, start and merge across batches, in each output mode. */
class SessionWindowIT extends KafkaSessionFixture {
    private static final long BASE = 1_700_000_000_000L;  // 2023-11-14T22:13:20Z
    private static final LocalDateTime T0 = LocalDateTime.of(2023, 11, 14, 22, 13, 20);
    private static final String SESSIONS = "SELECT STREAM SESSION_START(ts, INTERVAL '10' SECOND) AS s, "
            + "SESSION_END(ts, INTERVAL '10' SECOND) AS e, user_id, COUNT(*) AS n, SUM(amount) AS total "
            + "FROM clicks GROUP BY SESSION(ts, INTERVAL '10' SECOND), user_id";

    private String topic;

    @BeforeEach
    void createClicks() {
        topic = SharedKafkaBroker.createTopic("sessions", 1);
        message("CREATE TABLE clicks (ts TIMESTAMP, user_id VARCHAR, amount DOUBLE, WATERMARK FOR ts AS ts - "
                + "INTERVAL '1' MINUTE) WITH ('connector'='kafka', 'topic'='" + topic + "', 'format'='json')");
        message("CREATE TABLE sessions (s TIMESTAMP, e TIMESTAMP, user_id VARCHAR, n BIGINT, total DOUBLE) "
                + "WITH ('connector'='memory')");
        message("SET trigger = available-now");
    }

    private void click(String user, long seconds) {
        SharedKafkaBroker.produce(topic, 0, null, "{\"ts\": " + (BASE + seconds * 1000) + ", \"user_id\": \"" + user
                + "\", \"amount\": 1.0}");
    }

    /** Rounds of clicks, one batch each: a's sessions grow, start apart, then merge across batches. */
    private void round(int r) {
        switch (r) {
            case 0 -> {
                click("a", 0);
                click("a", 4);
                click("b", 1);
            }
            case 1 -> {
                click("a", 30);  // 26 s after a's last click: a new session
                click("a", 9);   // extends [0 s, 4 s] to 9 s
                click("b", 25);
            }
            case 2 -> click("a", 18);  // extends a's first session to 18 s (less than 10 s after 9 s)
            case 3 -> click("a", 25);  // bridges [0 s, 18 s] and [30 s]: one session [0 s, 30 s]
            case 4 -> click("c", 200);  // then a batch without input at 200 s - 1 min = 140 s: a's and b's close
            case 5 -> click("c", 201);
            default -> throw new IllegalArgumentException("no round " + r);
        }
    }

    @Test
    void completeModeShowsSessionsGrowingAndMergingAcrossBatches() throws Exception {
        message("SET outputMode = complete");
        long last = 0;
        for (int r = 0; r < 4; r++) {
            round(r);
            StreamingQuery q = runNamed("complete_sessions", "INSERT INTO sessions " + SESSIONS);
            assertTrue(q.exception().isEmpty(), () -> q.exception().get().getMessage());
            last = q.lastProgress().orElseThrow().outputRows();
        }
        List<List<Object>> all = rows("SELECT * FROM sessions");
        List<List<Object>> expected = List.of(
                row(T0, T0.plusSeconds(40), "a", 6L, 6.0),
                row(T0.plusSeconds(1), T0.plusSeconds(11), "b", 1L, 1.0),
                row(T0.plusSeconds(25), T0.plusSeconds(35), "b", 1L, 1.0));
        assertEquals(3, last, "complete mode: every session, a's merged into one");
        assertEquals(expected, SqlQueryIT.sorted(all.subList(all.size() - 3, all.size())));
        // The bounded twin over the same offsets finds the same sessions.
        assertEquals(expected, SqlQueryIT.sorted(rows(SESSIONS.replace("SELECT STREAM", "SELECT"))));
    }

    @Test
    void appendModeEmitsEachSessionOnceWhenTheWatermarkPassesItsEnd() throws Exception {
        message("SET outputMode = append");
        List<Long> stateRows = new java.util.ArrayList<>();
        for (int r = 0; r < 6; r++) {
            round(r);
            StreamingQuery q = runNamed("append_sessions", "INSERT INTO sessions " + SESSIONS);
            assertTrue(q.exception().isEmpty(), () -> q.exception().get().getMessage());
            stateRows.add(q.lastProgress().orElseThrow().stateRows());
        }
        assertEquals(List.of(
                row(T0, T0.plusSeconds(40), "a", 6L, 6.0),
                row(T0.plusSeconds(1), T0.plusSeconds(11), "b", 1L, 1.0),
                row(T0.plusSeconds(25), T0.plusSeconds(35), "b", 1L, 1.0)), SqlQueryIT.sorted(rows("SELECT * FROM sessions")));
        assertEquals(List.of(2L, 4L, 4L, 3L, 1L, 1L), stateRows, "closed sessions leave the state; c's stays open");
        String plan = message("EXPLAIN INSERT INTO sessions " + SESSIONS);
        assertTrue(plan.contains("sessions with a 10000 ms gap"), plan);
        assertTrue(plan.contains("SessionAggregate(group="), plan);
        assertTrue(plan.contains("/state/session"), plan);
    }

    @Test
    void countDistinctMinAndMaxMergeWithTheSessions() throws Exception {
        message("CREATE TABLE distinct_sessions (user_id VARCHAR, n BIGINT, d BIGINT, lo TIMESTAMP, hi TIMESTAMP) "
                + "WITH ('connector'='memory')");
        message("SET outputMode = complete");
        String insert = "INSERT INTO distinct_sessions SELECT STREAM user_id, COUNT(*), COUNT(DISTINCT ts), MIN(ts), "
                + "MAX(ts) FROM clicks GROUP BY SESSION(ts, INTERVAL '10' SECOND), user_id";
        long last = 0;
        for (int r = 0; r < 4; r++) {
            round(r);
            if (r == 3) {
                click("a", 4);  // a second click at 4 s: counted, but not as a distinct time
            }
            StreamingQuery q = runNamed("distinct_sessions", insert);
            assertTrue(q.exception().isEmpty(), () -> q.exception().get().getMessage());
            last = q.lastProgress().orElseThrow().outputRows();
        }
        List<List<Object>> all = rows("SELECT * FROM distinct_sessions");
        // a's clicks at 0, 4, 4, 9, 18, 25 and 30 s, merged over four batches into one session.
        assertEquals(List.of(
                row("a", 7L, 6L, T0, T0.plusSeconds(30)),
                row("b", 1L, 1L, T0.plusSeconds(1), T0.plusSeconds(1)),
                row("b", 1L, 1L, T0.plusSeconds(25), T0.plusSeconds(25))),
                SqlQueryIT.sorted(all.subList(all.size() - (int) last, all.size())));
    }
}
