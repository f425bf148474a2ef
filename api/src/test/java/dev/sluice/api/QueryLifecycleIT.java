package dev.sluice.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.connectors.testing.SharedKafkaBroker;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.management.ObjectName;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Listener events, progress, JMX, graceful and forced stop, upgrades, new partitions and data loss. */
class QueryLifecycleIT extends KafkaSessionFixture {
    private String topic;

    @BeforeEach
    void createSource() {
        topic = SharedKafkaBroker.createTopic("life", 1);
        message("CREATE TABLE src (id INT) WITH ('connector'='kafka', 'topic'='" + topic + "', 'format'='json')");
    }

    private void produce(int from, int to, int partition) {
        List<String> values = new java.util.ArrayList<>();
        for (int i = from; i < to; i++) {
            values.add("{\"id\": " + i + "}");
        }
        SharedKafkaBroker.produceValues(topic, partition, values);
    }

    private StreamingQuery insert(String name, String select) {
        message("SET query.name = " + name);
        return ((StatementResult.Query) sluice.execute("INSERT INTO sink " + select)).query();
    }

    @Test
    void listenerSeesEveryEventAndProgressIsJson() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        List<QueryProgress> completed = new CopyOnWriteArrayList<>();
        sluice.addListener(new StreamingQueryListener() {
            @Override
            public void onQueryStarted(StreamingQuery q) {
                events.add("started " + q.name());
            }

            @Override
            public void onBatchSubmitted(StreamingQuery q, long batchId) {
                events.add("submitted " + batchId);
            }

            @Override
            public void onBatchStarted(StreamingQuery q, long batchId) {
                events.add("batch started " + batchId);
            }

            @Override
            public void onBatchCompleted(StreamingQuery q, QueryProgress p) {
                events.add("completed " + p.batchId());
                completed.add(p);
            }

            @Override
            public void onQueryTerminated(StreamingQuery q, Optional<SluiceException> error) {
                events.add("terminated " + error.isPresent());
            }
        });
        produce(0, 10, 0);
        message("CREATE TABLE sink (id INT) WITH ('connector'='memory')");
        message("SET trigger = available-now");
        StreamingQuery q = insert("listened", "SELECT STREAM id FROM src WHERE id < 4");
        q.awaitTermination();
        // The offsets are logged while the tasks run: "submitted" (logged) comes once the tasks started.
        assertEquals(List.of("started listened", "batch started 0", "submitted 0", "completed 0", "terminated false"),
                events);
        QueryProgress p = completed.get(0);
        assertEquals(10, p.inputRows());
        assertEquals(4, p.outputRows());
        assertEquals(Map.of("src", Map.of(topic + "-0", 0L)), p.startOffsets());
        assertEquals(Map.of("src", Map.of(topic + "-0", 10L)), p.endOffsets());
        assertEquals(p.processingTimeMillis() + p.schedulingDelayMillis(), p.totalDelayMillis());
        assertTrue(p.durationMillis().keySet().containsAll(List.of("planOffsets", "offsetLog", "process", "sink", "commit")));
        String json = p.toJson();
        assertTrue(json.startsWith("{\"queryName\":\"listened\",\"batchId\":0,\"timestamp\":\""), json);
        assertTrue(json.contains("\"endOffsets\":{\"src\":{\"" + topic + "-0\":10}}"), json);
        assertTrue(json.contains("\"lag\":{\"src\":{\"" + topic + "-0\":0}}"), json);
        assertEquals("stopped", q.status());
    }

    /**
     * The offset log is written while the batch's tasks run, yet every batch's offsets are on file before the sink
     * gets anything of it, and a restart goes on after the last batch as before.
     */
    @Test
    void everyBatchIsLoggedBeforeTheSinkGetsIt() throws Exception {
        Path checkpoint = home.resolve("checkpoints").resolve("logged_first");
        message("CREATE TABLE sink (id INT) WITH ('connector'='logged-check-memory', 'checkpoint.dir'='"
                + checkpoint + "')");
        message("SET trigger = 100 ms");
        StreamingQuery q = insert("logged_first", "SELECT STREAM id FROM src");
        try {
            for (int batch = 0; batch < 5; batch++) {
                produce(batch * 10, batch * 10 + 10, 0);
                int expected = batch + 1;
                SqlQueryIT.waitFor(() -> OffsetsLoggedCheckConnector.seen("sink").size() >= expected);
            }
        } finally {
            q.stop();
        }
        List<String> seen = OffsetsLoggedCheckConnector.seen("sink");
        assertTrue(seen.size() >= 5, seen.toString());  // more if a trigger saw only part of a produce
        for (int batch = 0; batch < seen.size(); batch++) {
            assertEquals(batch + " logged", seen.get(batch));
        }
        assertEquals(50, rows("SELECT id FROM sink").size());
        produce(50, 53, 0);
        message("SET trigger = available-now");
        insert("logged_first", "SELECT STREAM id FROM src").awaitTermination();
        assertEquals(53, rows("SELECT id FROM sink").size(), "the restart read on from the last commit, once");
    }

    @Test
    void metricsAreExposedOverJmxWhileTheQueryRuns() throws Exception {
        produce(0, 5, 0);
        message("CREATE TABLE sink (id INT) WITH ('connector'='memory')");
        message("SET trigger = 100 ms");
        StreamingQuery q = insert("jmx_q", "SELECT STREAM id FROM src");
        ObjectName name = new ObjectName("dev.sluice:type=StreamingQuery,name=\"jmx_q\"");
        try {
            SqlQueryIT.waitFor(() -> q.lastProgress().isPresent());
            var server = ManagementFactory.getPlatformMBeanServer();
            assertEquals(0L, server.getAttribute(name, "LastBatchId"));
            assertEquals(5L, server.getAttribute(name, "TotalInputRows"));
            assertEquals(Boolean.TRUE, server.getAttribute(name, "Active"));
        } finally {
            q.stop();
        }
        assertFalse(ManagementFactory.getPlatformMBeanServer().isRegistered(name), "unregistered when it ends");
    }

    @Test
    void forcedStopAbandonsTheBatchWhichReRunsOnRestart() throws Exception {
        produce(0, 20, 0);
        message("CREATE TABLE sink (id INT) WITH ('connector'='slow-memory', 'micros.per.row'='0')");
        SlowSinkConnector.setMicrosPerRow("sink", 1_000_000);  // 20 s for the batch
        message("SET trigger = available-now");
        StreamingQuery q = insert("forced", "SELECT STREAM id FROM src");
        SqlQueryIT.waitFor(() -> q.status().startsWith("running batch 0"));
        assertFalse(q.stop(Duration.ofMillis(300)), "the batch could not commit in time");
        assertFalse(q.isActive());
        assertTrue(q.recentProgress().isEmpty());

        SlowSinkConnector.setMicrosPerRow("sink", 0);
        StreamingQuery restarted = insert("forced", "SELECT STREAM id FROM src");
        restarted.awaitTermination();
        assertEquals(0, restarted.recentProgress().get(0).batchId(), "the abandoned batch is re-run");
        assertEquals(20, rows("SELECT id FROM sink").size());
    }

    @Test
    void upgradedQueryContinuesFromTheCommittedOffsets() throws Exception {
        produce(0, 10, 0);
        message("CREATE TABLE sink (id INT) WITH ('connector'='memory')");
        message("SET trigger = available-now");
        insert("upgradable", "SELECT STREAM id FROM src").awaitTermination();
        produce(10, 20, 0);
        // New code, same name (so same checkpoint): a new filter and projection.
        StreamingQuery upgraded = insert("upgradable", "SELECT STREAM id * 100 FROM src WHERE MOD(id, 2) = 0");
        upgraded.awaitTermination();
        assertEquals(1, upgraded.recentProgress().get(0).batchId());
        assertEquals(10, upgraded.recentProgress().get(0).inputRows(), "only the records after the last commit");
        List<List<Object>> rows = rows("SELECT id FROM sink");
        assertEquals(15, rows.size());
        assertTrue(rows.contains(List.of(1800)) && !rows.contains(List.of(19)) && rows.contains(List.of(9)));
    }

    @Test
    void partitionsAddedWhileRunningArePickedUp() throws Exception {
        produce(0, 3, 0);
        message("CREATE TABLE sink (id INT) WITH ('connector'='memory')");
        message("SET trigger = 100 ms");
        StreamingQuery q = insert("growing", "SELECT STREAM id FROM src");
        try {
            SqlQueryIT.waitFor(() -> rows("SELECT id FROM sink").size() == 3);
            try (Admin admin = admin()) {
                admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(2))).all().get();
            }
            SqlQueryIT.waitFor(() -> {
                try {
                    produce(100, 101, 1);
                    return true;
                } catch (RuntimeException notYet) {
                    return false;
                }
            });
            SqlQueryIT.waitFor(() -> rows("SELECT id FROM sink").contains(List.of(100)));
        } finally {
            q.stop();
        }
        QueryProgress last = q.lastProgress().orElseThrow();
        assertEquals(1L, last.endOffsets().get("src").get(topic + "-1"));
    }

    @Test
    void deletedOffsetsFailTheQueryOrAreSkippedAndReported() throws Exception {
        produce(0, 10, 0);
        message("CREATE TABLE sink (id INT) WITH ('connector'='memory')");
        message("SET trigger = available-now");
        insert("lossy", "SELECT STREAM id FROM src").awaitTermination();
        produce(10, 20, 0);
        try (Admin admin = admin()) {
            admin.deleteRecords(Map.of(new TopicPartition(topic, 0), RecordsToDelete.beforeOffset(15))).all().get();
        }
        StreamingQuery failing = insert("lossy", "SELECT STREAM id FROM src");
        SluiceException e = assertThrows(SluiceException.class, failing::awaitTermination);
        assertTrue(e.getMessage().contains("offsets [10, 15) of " + topic + "-0"), e.getMessage());
        assertTrue(e.getMessage().contains("failOnDataLoss"), e.getMessage());

        message("SET failOnDataLoss = false");
        StreamingQuery tolerant = insert("lossy", "SELECT STREAM id FROM src");
        tolerant.awaitTermination();
        QueryProgress p = tolerant.lastProgress().orElseThrow();
        assertEquals(5, p.inputRows());
        assertEquals(List.of("offsets [10, 15) of " + topic + "-0 (table 'src') were deleted before the query read them"),
                p.dataLoss());
        assertEquals(15, rows("SELECT id FROM sink").size());
    }

    private static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafkaBroker.bootstrapServers()));
    }
}
