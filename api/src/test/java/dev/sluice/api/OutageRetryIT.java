package dev.sluice.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.connectors.testing.SharedKafkaBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A batch that fails because a source or the sink can't be reached is run again, the same batch: its reads
 * are redone, its operator state is taken again from the previous batch's, and the sink is given the same
 * batch id again. Failures are injected into real Kafka reads ({@link FlakyKafkaConnector}) and a memory
 * sink ({@link FlakySinkConnector}); the results are checked against plain Java over the input.
 */
class OutageRetryIT extends KafkaSessionFixture {
    private final List<String> waiting = new CopyOnWriteArrayList<>();
    private String topic;
    private final List<String> keys = new ArrayList<>();
    private final List<Integer> values = new ArrayList<>();

    @BeforeEach
    void setUp() {
        FlakyKafkaConnector.reset();
        FlakySinkConnector.CALLS.clear();
        topic = SharedKafkaBroker.createTopic("flaky", 2);
        sluice.addListener(new StreamingQueryListener() {
            @Override
            public void onQueryWaiting(StreamingQuery query, String status) {
                waiting.add(status);
            }
        });
    }

    private void produce(int n) {
        for (int p = 0; p < 2; p++) {
            List<String> records = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int v = values.size();
                String k = "k" + (v % 5);
                keys.add(k);
                values.add(v);
                records.add("{\"k\": \"" + k + "\", \"v\": " + v + "}");
            }
            SharedKafkaBroker.produceValues(topic, p, records);
        }
    }

    private void createSource(String connector, String extra) {
        message("CREATE TABLE src (k VARCHAR, v INT) WITH ('connector'='" + connector + "', 'topic'='" + topic
                + "', 'format'='json'" + extra + ")");
    }

    @Test
    void failedReadsAreRedoneAndAStatefulQueryCountsEveryRecordOnce() throws Exception {
        createSource("flaky-kafka", ", 'fail.after'='2', 'fail.reads'='3'");
        message("CREATE TABLE totals (k VARCHAR, n BIGINT, s BIGINT) WITH ('connector'='memory')");
        produce(150);
        message("SET trigger = available-now");
        message("SET maxOffsetsPerTrigger = 100");
        StreamingQuery q = runToEnd("INSERT INTO totals SELECT STREAM k, COUNT(*), SUM(v) FROM src GROUP BY k", null);
        assertEquals(Optional.empty(), q.exception());
        assertEquals(List.of(0L, 1L, 2L), q.recentProgress().stream().map(QueryProgress::batchId).toList());
        assertTrue(!waiting.isEmpty(), "the query said it waited");
        assertTrue(waiting.get(0).startsWith("waiting for Kafka at '" + SharedKafkaBroker.bootstrapServers()
                + "': running batch 1 failed 1 time(s)"), waiting.get(0));
        assertTrue(waiting.get(0).contains("injected outage reading"), waiting.get(0));
        assertTrue(q.recentProgress().get(1).durationMillis().get("outage") > 0, "batch 1 reports its wait");

        // The last row of each key (update mode) is its count and sum over every record, each counted once.
        Map<String, List<Long>> expected = new TreeMap<>();
        for (int i = 0; i < keys.size(); i++) {
            List<Long> e = expected.computeIfAbsent(keys.get(i), k -> new ArrayList<>(List.of(0L, 0L)));
            e.set(0, e.get(0) + 1);
            e.set(1, e.get(1) + values.get(i));
        }
        Map<String, List<Long>> last = new TreeMap<>();
        for (List<Object> row : rows("SELECT k, n, s FROM totals")) {
            last.put((String) row.get(0), List.of(((Number) row.get(1)).longValue(), ((Number) row.get(2)).longValue()));
        }
        assertEquals(expected, last);
    }

    @Test
    void sinkThatLostItsSystemIsGivenTheSameBatchAgain() throws Exception {
        createSource("kafka", "");
        message("CREATE TABLE copy (k VARCHAR, v INT) WITH ('connector'='flaky-memory', 'fail.batches'='2')");
        produce(50);
        message("SET trigger = available-now");
        StreamingQuery q = runToEnd("INSERT INTO copy SELECT STREAM k, v FROM src", null);
        assertEquals(Optional.empty(), q.exception());
        assertEquals(List.of(0L, 0L, 0L), FlakySinkConnector.CALLS, "batch 0 given three times");
        assertEquals(2, waiting.size());
        assertTrue(waiting.get(1).startsWith("waiting for the flaky sink: running batch 0 failed 2 time(s)"),
                waiting.get(1));
        List<Integer> copied = rows("SELECT v FROM copy").stream().map(r -> (Integer) r.get(0)).sorted().toList();
        assertEquals(values.stream().sorted().toList(), copied, "every record once");
    }

    @Test
    void stopWhileWaitingEndsTheQueryAndARestartLosesNothing() throws Exception {
        createSource("flaky-kafka", ", 'fail.reads'='1000000'");
        message("CREATE TABLE copy (k VARCHAR, v INT) WITH ('connector'='memory')");
        produce(20);
        message("SET query.name = stopped_waiting");
        StreamingQuery q = ((StatementResult.Query) sluice.execute("INSERT INTO copy SELECT STREAM k, v FROM src")).query();
        SqlQueryIT.waitFor(() -> !waiting.isEmpty());
        assertTrue(q.status().startsWith("waiting for Kafka at"), q.status());
        long started = System.nanoTime();
        assertTrue(q.stop(Duration.ofSeconds(30)), "a stop ends the wait at once, gracefully");
        assertTrue(System.nanoTime() - started < Duration.ofSeconds(15).toNanos());
        assertEquals(Optional.empty(), q.exception());
        assertEquals("stopped", q.status());
        assertEquals(List.of(), rows("SELECT v FROM copy"));

        FlakyKafkaConnector.reset();
        message("DROP TABLE src");
        createSource("kafka", "");
        produce(10);
        message("SET trigger = available-now");
        StreamingQuery restarted = runNamed("stopped_waiting", "INSERT INTO copy SELECT STREAM k, v FROM src");
        assertEquals(Optional.empty(), restarted.exception());
        assertEquals(0L, restarted.recentProgress().get(0).batchId(), "the logged batch 0 re-runs first");
        List<Integer> copied = rows("SELECT v FROM copy").stream().map(r -> (Integer) r.get(0)).sorted().toList();
        assertEquals(values.stream().sorted().toList(), copied);
    }
}
