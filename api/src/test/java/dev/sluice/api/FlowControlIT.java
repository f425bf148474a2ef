package dev.sluice.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.connectors.testing.SharedKafkaBroker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Rate limits and backpressure, asserted on the recorded per-batch progress (not on wall-clock time): a
 * sink made slow on purpose, a steady producer faster than the sink.
 */
class FlowControlIT extends KafkaSessionFixture {
    /** Index of the first batch after the sink became fast again (backpressure run). */
    private int fastFromBatch;

    private String createSource(int partitions) {
        String topic = SharedKafkaBroker.createTopic("flow", partitions);
        message("CREATE TABLE src (id INT) WITH ('connector'='kafka', 'topic'='" + topic + "', 'format'='json')");
        return topic;
    }

    @Test
    void maxOffsetsPerTriggerSplitsABacklogByLag() throws Exception {
        String topic = createSource(2);
        for (int i = 0; i < 100; i++) {
            SharedKafkaBroker.produce(topic, i < 70 ? 0 : 1, null, "{\"id\": " + i + "}");
        }
        message("CREATE TABLE out_rows (id INT) WITH ('connector'='memory')");
        message("SET maxOffsetsPerTrigger = 20");
        message("SET trigger = available-now");
        StreamingQuery q = runToEnd("INSERT INTO out_rows SELECT STREAM id FROM src", null);
        List<QueryProgress> progress = q.recentProgress();
        assertEquals(5, progress.size());
        progress.forEach(p -> assertEquals(20, p.inputRows()));
        // Lags 70 and 30: the first batch takes 14 and 6.
        String p0 = topic + "-0";
        String p1 = topic + "-1";
        assertEquals(14L, progress.get(0).endOffsets().get("src").get(p0));
        assertEquals(6L, progress.get(0).endOffsets().get("src").get(p1));
        assertEquals(80L, progress.get(0).totalLag());
        assertEquals(0L, progress.get(4).totalLag());
        assertEquals(100, rows("SELECT id FROM out_rows").size());
    }

    @Test
    void availableNowReadsABacklogInBatchesOfBoundedSize() throws Exception {
        String topic = createSource(2);
        for (int i = 0; i < 100; i++) {
            SharedKafkaBroker.produce(topic, i % 2, null, "{\"id\": " + i + "}");
        }
        List<Integer> all = java.util.stream.IntStream.range(0, 100).boxed().toList();
        message("SET trigger = available-now");
        message("SET availableNow.maxOffsetsPerTrigger = 30");
        message("CREATE TABLE capped (id INT) WITH ('connector'='memory')");
        List<QueryProgress> capped = runToEnd("INSERT INTO capped SELECT STREAM id FROM src", null).recentProgress();
        // The first batch reads a sixteenth of the most (rounded up); the next ones as many as fit the batch memory
        // target (64 MB: all of them), never more than the most.
        assertEquals(List.of(2L, 30L, 30L, 30L, 8L), capped.stream().map(QueryProgress::inputRows).toList());
        assertEquals(all, ids("capped"));
        // Batches that need more memory per record than the target allows stay at the first batch's size.
        message("SET availableNow.maxOffsetsPerTrigger = 320");
        message("SET availableNow.batchMemoryTarget = '16 B'");
        message("CREATE TABLE sized (id INT) WITH ('connector'='memory')");
        List<QueryProgress> sized = runToEnd("INSERT INTO sized SELECT STREAM id FROM src", null).recentProgress();
        assertEquals(java.util.Collections.nCopies(5, 20L), sized.stream().map(QueryProgress::inputRows).toList());
        assertEquals(all, ids("sized"));
        message("RESET availableNow.batchMemoryTarget");
        message("SET availableNow.maxOffsetsPerTrigger = 30");
        // maxOffsetsPerTrigger, when set, is the cap.
        message("SET maxOffsetsPerTrigger = 50");
        message("CREATE TABLE manual (id INT) WITH ('connector'='memory')");
        List<QueryProgress> manual = runToEnd("INSERT INTO manual SELECT STREAM id FROM src", null).recentProgress();
        assertEquals(List.of(50L, 50L), manual.stream().map(QueryProgress::inputRows).toList());
        assertEquals(all, ids("manual"));
        // once is one batch with everything, as in Spark.
        message("SET trigger = once");
        message("CREATE TABLE single (id INT) WITH ('connector'='memory')");
        List<QueryProgress> once = runToEnd("INSERT INTO single SELECT STREAM id FROM src", null).recentProgress();
        assertEquals(List.of(100L), once.stream().map(QueryProgress::inputRows).toList());
    }

    private List<Integer> ids(String table) {
        return rows("SELECT id FROM " + table).stream().map(r -> (Integer) r.get(0)).sorted().toList();
    }

    @Test
    void aBatchOverItsMemoryBudgetFailsNamingTheOptionAndRunsAgainWithMore() throws Exception {
        String topic = createSource(1);
        for (int i = 0; i < 5000; i++) {
            SharedKafkaBroker.produce(topic, 0, null, "{\"id\": " + i + "}");
        }
        message("CREATE TABLE out_rows (id INT) WITH ('connector'='memory')");
        message("SET trigger = available-now");
        message("SET maxBatchMemory = '16 KB'");  // 5,000 INTs do not fit
        StreamingQuery failed = runNamed("budget", "INSERT INTO out_rows SELECT STREAM id FROM src");
        assertTrue(failed.exception().isPresent());
        String message = failed.exception().get().getMessage();
        assertTrue(message.contains("Batch 0 of query 'budget' needs more than 16384 bytes of Arrow memory (option "
                + "'maxBatchMemory'): lower 'maxOffsetsPerTrigger' (or 'availableNow.maxOffsetsPerTrigger') so that "
                + "batches are smaller, or raise 'maxBatchMemory'"), message);
        assertEquals(0, rows("SELECT id FROM out_rows").size());
        // With more memory, the logged batch runs again: every row once.
        message("SET maxBatchMemory = '64 MB'");
        StreamingQuery again = runNamed("budget", "INSERT INTO out_rows SELECT STREAM id FROM src");
        assertTrue(again.exception().isEmpty(), () -> again.exception().get().getMessage());
        assertEquals(java.util.stream.IntStream.range(0, 5000).boxed().toList(), ids("out_rows"));
    }

    @Test
    void maxRatePerPartitionCapsEachPartitionPerInterval() throws Exception {
        String topic = createSource(2);
        for (int i = 0; i < 40; i++) {
            SharedKafkaBroker.produce(topic, i % 2, null, "{\"id\": " + i + "}");
        }
        message("CREATE TABLE out_rows (id INT) WITH ('connector'='memory')");
        message("SET maxRatePerPartition = 25");
        message("SET trigger = 200 ms");  // 25 records/s x 0.2 s = 5 records per partition and batch
        StreamingQuery q = ((StatementResult.Query) sluice.execute("INSERT INTO out_rows SELECT STREAM id FROM src")).query();
        try {
            SqlQueryIT.waitFor(() -> rows("SELECT id FROM out_rows").size() == 40);
        } finally {
            q.stop();
        }
        List<QueryProgress> batches = q.recentProgress();
        assertEquals(4, batches.size(), "20 records per partition, 5 per batch");
        batches.forEach(p -> assertEquals(10, p.inputRows()));
    }

    @Test
    void minOffsetsPerTriggerWaitsForEnoughRecordsOrTheMaxDelay() throws Exception {
        String topic = createSource(1);
        message("CREATE TABLE out_rows (id INT) WITH ('connector'='memory')");
        message("SET minOffsetsPerTrigger = 10");
        message("SET maxTriggerDelay = 2 s");
        message("SET trigger = 100 ms");
        long started = System.currentTimeMillis();
        StreamingQuery q = ((StatementResult.Query) sluice.execute("INSERT INTO out_rows SELECT STREAM id FROM src")).query();
        try {
            for (int i = 0; i < 3; i++) {
                SharedKafkaBroker.produce(topic, 0, null, "{\"id\": " + i + "}");
            }
            SqlQueryIT.waitFor(() -> q.lastProgress().isPresent());
            QueryProgress first = q.lastProgress().orElseThrow();
            assertEquals(3, first.inputRows(), "3 < 10 records: they wait for the delay, then go together");
            assertTrue(first.timestamp().toEpochMilli() - started >= 2000, "not before maxTriggerDelay");
            for (int i = 3; i < 13; i++) {
                SharedKafkaBroker.produce(topic, 0, null, "{\"id\": " + i + "}");
            }
            SqlQueryIT.waitFor(() -> q.recentProgress().size() == 2);
            assertEquals(10, q.recentProgress().get(1).inputRows(), "10 records start a batch at once");
        } finally {
            q.stop();
        }
    }

    @Test
    void backpressureBoundsTheDelayThenRecovers() throws Exception {
        List<QueryProgress> without = runSlow(false);
        List<QueryProgress> with = runSlow(true);

        // Without backpressure each batch takes everything that arrived while the last one ran: batches
        // and scheduling delay grow.
        QueryProgress lastWithout = without.get(without.size() - 1);
        assertTrue(lastWithout.schedulingDelayMillis() > 1000, "delay grows without backpressure: " + delays(without));
        assertTrue(lastWithout.inputRows() > 3 * without.get(1).inputRows(), "batches grow: " + sizes(without));

        // With it, batch size follows the processing rate and the delay stays bounded while the slow phase lasts.
        List<QueryProgress> slowPhase = with.subList(3, fastFromBatch);
        long maxDelay = slowPhase.stream().mapToLong(QueryProgress::schedulingDelayMillis).max().orElseThrow();
        long maxRows = slowPhase.stream().mapToLong(QueryProgress::inputRows).max().orElseThrow();
        assertTrue(maxDelay < 1000, "bounded delay with backpressure: " + delays(with));
        assertTrue(maxRows < lastWithout.inputRows(), "smaller batches: " + sizes(with));
        assertTrue(slowPhase.stream().allMatch(p -> p.rateLimit() > 0), "backpressure set each batch's rate");
        // The sink is fast again for the last batches: the rate limit rises and the backlog is read.
        double slowRate = slowPhase.get(slowPhase.size() - 1).rateLimit();
        double fastRate = with.get(with.size() - 1).rateLimit();
        assertTrue(fastRate > 2 * slowRate, "intake recovers: " + rates(with));
    }

    /** Runs a 200 ms trigger query into a sink costing 500 us per row while 3,000 records/s arrive. */
    private List<QueryProgress> runSlow(boolean backpressure) throws Exception {
        String topic = SharedKafkaBroker.createTopic("slow", 2);
        String table = backpressure ? "slow_bp" : "slow_nobp";
        message("DROP TABLE IF EXISTS src");
        message("CREATE TABLE src (id INT) WITH ('connector'='kafka', 'topic'='" + topic + "', 'format'='json')");
        message("CREATE TABLE " + table + " (id INT) WITH ('connector'='slow-memory', 'micros.per.row'='500')");
        SlowSinkConnector.setMicrosPerRow(table, 500);
        message("SET trigger = 200 ms");
        message("SET backpressure.enabled = " + backpressure);
        message("SET backpressure.initialRate = 1000");
        StreamingQuery q = ((StatementResult.Query) sluice.execute("INSERT INTO " + table + " SELECT STREAM id FROM src"))
                .query();
        AtomicBoolean producing = new AtomicBoolean(true);
        Thread producer = new Thread(() -> {
            int id = 0;
            while (producing.get()) {
                for (int partition = 0; partition < 2; partition++) {
                    List<String> values = new java.util.ArrayList<>();
                    for (int i = 0; i < 150; i++, id++) {
                        values.add("{\"id\": " + id + "}");
                    }
                    SharedKafkaBroker.produceValues(topic, partition, values);
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        producer.start();
        try {
            Thread.sleep(6000);
            if (backpressure) {
                SlowSinkConnector.setMicrosPerRow(table, 0);
                fastFromBatch = q.recentProgress().size() + 1;  // the running batch may still be slow
                SqlQueryIT.waitFor(() -> q.recentProgress().size() >= fastFromBatch + 5);
            }
        } finally {
            producing.set(false);
            producer.join();
            assertTrue(q.stop(Duration.ofSeconds(60)));
        }
        assertFalse(q.isActive());
        return q.recentProgress();
    }

    private static String delays(List<QueryProgress> p) {
        return p.stream().map(x -> x.schedulingDelayMillis() + "ms").toList().toString();
    }

    private static String sizes(List<QueryProgress> p) {
        return p.stream().map(QueryProgress::inputRows).toList().toString();
    }

    private static String rates(List<QueryProgress> p) {
        return p.stream().map(x -> (long) x.rateLimit()).toList().toString();
    }
}
