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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records a query needed but can no longer read are data loss, never skipped silently: a topic deleted and
 * recreated (even with more records than the query had read), and offsets of a batch that was logged but
 * not committed, deleted by retention before the batch could be re-run. By default the query fails naming
 * them; with {@code failOnDataLoss = false} it goes on over what is left and reports each gap.
 */
class SourceDataLossIT extends KafkaSessionFixture {
    @TempDir
    Path out;

    private String topic;

    @BeforeEach
    void setUp() {
        topic = SharedKafkaBroker.createTopic("loss", 1);
        message("CREATE TABLE src (id INT) WITH ('connector'='kafka', 'topic'='" + topic + "', 'format'='json')");
        message("SET trigger = available-now");
    }

    private void produce(int from, int to) {
        List<String> values = new ArrayList<>();
        for (int i = from; i < to; i++) {
            values.add("{\"id\": " + i + "}");
        }
        SharedKafkaBroker.produceValues(topic, 0, values);
    }

    private List<Integer> range(int from, int to) {
        List<Integer> ids = new ArrayList<>();
        for (int i = from; i < to; i++) {
            ids.add(i);
        }
        return ids;
    }

    private List<Integer> memorySinkIds() {
        return rows("SELECT id FROM sink").stream().map(r -> (Integer) r.get(0)).sorted().toList();
    }

    @Test
    void recreatedTopicWithMoreRecordsThanTheCheckpointIsDataLoss() throws Exception {
        message("CREATE TABLE sink (id INT) WITH ('connector'='memory')");
        produce(0, 10);
        StreamingQuery first = runNamed("recreated", "INSERT INTO sink SELECT STREAM id FROM src");
        assertTrue(first.exception().isEmpty(), () -> first.exception().get().getMessage());
        assertEquals(range(0, 10), memorySinkIds());

        recreateTopic();
        produce(100, 130);  // 30 records: the new topic's offsets go past the checkpoint's position (10)

        StreamingQuery failing = runNamed("recreated", "INSERT INTO sink SELECT STREAM id FROM src");
        String error = failing.exception().orElseThrow(() -> new AssertionError("the recreated topic went unnoticed; "
                + "sink: " + memorySinkIds())).getMessage();
        assertTrue(error.contains("topic '" + topic + "' (table 'src') was deleted and recreated"), error);
        assertTrue(error.contains("failOnDataLoss"), error);
        assertEquals(range(0, 10), memorySinkIds(), "nothing of the new topic was written");

        message("SET failOnDataLoss = false");
        StreamingQuery tolerant = runNamed("recreated", "INSERT INTO sink SELECT STREAM id FROM src");
        assertTrue(tolerant.exception().isEmpty(), () -> tolerant.exception().get().getMessage());
        List<Integer> expected = new ArrayList<>(range(0, 10));
        expected.addAll(range(100, 130));
        assertEquals(expected, memorySinkIds(), "the new topic is read from its earliest offset, all of it");
        QueryProgress p = tolerant.recentProgress().get(0);
        assertEquals(30, p.inputRows());
        assertEquals(1, p.dataLoss().size(), p.dataLoss().toString());
        assertTrue(p.dataLoss().get(0).contains("topic '" + topic + "' (table 'src') was deleted and recreated"),
                p.dataLoss().toString());
        assertEquals(0L, p.startOffsets().get("src").get(topic + "-0"));

        // The new topic's id is the one kept now: a plain restart is no data loss.
        message("SET failOnDataLoss = true");
        produce(130, 135);
        StreamingQuery after = runNamed("recreated", "INSERT INTO sink SELECT STREAM id FROM src");
        assertTrue(after.exception().isEmpty(), () -> after.exception().get().getMessage());
        assertEquals(List.of(), after.lastProgress().orElseThrow().dataLoss());
        assertEquals(45, memorySinkIds().size());
    }

    @Test
    void checkpointsWithoutTopicIdsStillResume() throws Exception {
        message("CREATE TABLE sink (id INT) WITH ('connector'='memory')");
        produce(0, 10);
        runNamed("old_format", "INSERT INTO sink SELECT STREAM id FROM src");
        Path offsets = home.resolve("checkpoints").resolve("old_format").resolve("offsets").resolve("0");
        String entry = Files.readString(offsets);
        assertTrue(entry.contains("\"topicIds\":{\"src\":{\"" + topic + "\":"), entry);
        // As an older Sluice wrote it: no topic ids.
        Files.writeString(offsets, entry.replaceAll(",\"topicIds\":\\{[^}]*\\}\\}", ""));
        assertFalse(Files.readString(offsets).contains("topicIds"), Files.readString(offsets));

        produce(10, 15);
        StreamingQuery resumed = runNamed("old_format", "INSERT INTO sink SELECT STREAM id FROM src");
        assertTrue(resumed.exception().isEmpty(), () -> resumed.exception().get().getMessage());
        assertEquals(range(0, 15), memorySinkIds());
        assertEquals(10L, resumed.lastProgress().orElseThrow().startOffsets().get("src").get(topic + "-0"));
    }

    @Test
    void uncommittedBatchWhoseOffsetsWereDeletedFailsOrReRunsOverWhatIsLeft() throws Exception {
        message("CREATE TABLE sink (id INT) WITH ('connector'='fail-once-file', 'path'='" + out
                + "', 'format'='json', 'fail.batch'='1', 'fail.when'='before-sink')");
        Path checkpoint = home.resolve("checkpoints").resolve("retention");
        produce(0, 10);
        assertTrue(runNamed("retention", "INSERT INTO sink SELECT STREAM id FROM src").exception().isEmpty());
        produce(10, 20);
        StreamingQuery crashed = runNamed("retention", "INSERT INTO sink SELECT STREAM id FROM src");
        assertTrue(crashed.exception().orElseThrow().getMessage().contains("injected crash"));
        assertFalse(Files.exists(checkpoint.resolve("commits").resolve("1")), "batch 1 is logged, not committed");

        // Retention deletes the start of batch 1's range [10, 20) before the query comes back.
        deleteRecordsBefore(15);
        produce(20, 25);

        for (int attempt = 0; attempt < 2; attempt++) {  // the same clear error every time, not a stuck query
            StreamingQuery failing = runNamed("retention", "INSERT INTO sink SELECT STREAM id FROM src");
            String error = failing.exception().orElseThrow().getMessage();
            assertTrue(error.contains("batch 1 was logged but not committed"), error);
            assertTrue(error.contains("offsets [10, 15) of " + topic + "-0 (table 'src') were deleted"), error);
            assertTrue(error.contains("Set failOnDataLoss = false to re-run it over the offsets that are left"), error);
        }

        message("SET failOnDataLoss = false");
        StreamingQuery tolerant = runNamed("retention", "INSERT INTO sink SELECT STREAM id FROM src");
        assertTrue(tolerant.exception().isEmpty(), () -> tolerant.exception().get().getMessage());
        QueryProgress rerun = tolerant.recentProgress().get(0);
        assertEquals(1, rerun.batchId());
        assertEquals(5, rerun.inputRows());
        assertEquals(List.of("offsets [10, 15) of " + topic + "-0 (table 'src') were deleted before the query read them"),
                rerun.dataLoss());
        // The adjusted range replaced the logged one: a crash during the re-run would replay [15, 20).
        BatchOffsets logged = Checkpoint.open(checkpoint.toString()).offsetLog().get(1).orElseThrow();
        OffsetRange range = logged.sources().get("src").get(0);
        assertEquals(List.of(15L, 20L), List.of(range.fromOffset(), range.untilOffset()));
        assertEquals(2, tolerant.lastProgress().orElseThrow().batchId());

        Map<Integer, Integer> expected = new TreeMap<>();
        range(0, 10).forEach(i -> expected.put(i, 1));
        range(15, 25).forEach(i -> expected.put(i, 1));
        assertEquals(expected, sinkIds());
    }

    @Test
    void uncommittedBatchEntirelyDeletedIsReportedAndTheQueryGoesOn() throws Exception {
        message("CREATE TABLE sink (id INT) WITH ('connector'='fail-once-file', 'path'='" + out
                + "', 'format'='json', 'fail.batch'='1', 'fail.when'='before-sink')");
        produce(0, 10);
        runNamed("all_gone", "INSERT INTO sink SELECT STREAM id FROM src");
        produce(10, 20);
        assertTrue(runNamed("all_gone", "INSERT INTO sink SELECT STREAM id FROM src").exception().isPresent());
        produce(20, 30);
        deleteRecordsBefore(25);  // past the end of batch 1 (20)
        message("SET failOnDataLoss = false");
        StreamingQuery tolerant = runNamed("all_gone", "INSERT INTO sink SELECT STREAM id FROM src");
        assertTrue(tolerant.exception().isEmpty(), () -> tolerant.exception().get().getMessage());
        List<QueryProgress> progress = tolerant.recentProgress();
        assertEquals(List.of("offsets [10, 20) of " + topic + "-0 (table 'src') were deleted before the query read them"),
                progress.get(0).dataLoss());
        assertEquals(0, progress.get(0).inputRows());
        assertEquals(List.of("offsets [20, 25) of " + topic + "-0 (table 'src') were deleted before the query read them"),
                progress.get(1).dataLoss());
        Map<Integer, Integer> expected = new TreeMap<>();
        range(0, 10).forEach(i -> expected.put(i, 1));
        range(25, 30).forEach(i -> expected.put(i, 1));
        assertEquals(expected, sinkIds());
    }

    private Map<Integer, Integer> sinkIds() throws Exception {
        Map<Integer, Integer> counts = new TreeMap<>();
        for (String line : FileSinkContents.committedLines(out.toString())) {
            counts.merge(Integer.parseInt(line.replaceAll(".*\"id\":(\\d+).*", "$1")), 1, Integer::sum);
        }
        return counts;
    }

    private void deleteRecordsBefore(long offset) throws Exception {
        try (Admin admin = admin()) {
            admin.deleteRecords(Map.of(new TopicPartition(topic, 0), RecordsToDelete.beforeOffset(offset))).all()
                    .get(30, TimeUnit.SECONDS);
        }
    }

    /** Deletes the topic and creates it again under the same name (a new topic id), empty. */
    private void recreateTopic() throws Exception {
        try (Admin admin = admin()) {
            admin.deleteTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(topic)) {
                assertTrue(System.nanoTime() < deadline, "topic not deleted within 30 s");
                Thread.sleep(50);
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                SharedKafkaBroker.broker().createTopic(topic, 1);
                return;
            } catch (IllegalStateException e) {  // still marked for deletion
                assertTrue(System.nanoTime() < deadline, "topic not recreated within 30 s: " + e.getMessage());
                Thread.sleep(100);
            }
        }
    }

    private static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafkaBroker.bootstrapServers()));
    }
}
