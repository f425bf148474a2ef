package dev.sluice.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.connectors.testing.SharedKafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Restart from a checkpoint at each point of a batch's life, and prove that the file sink then holds every
 * input row exactly once.
 */
class RestartIT extends KafkaSessionFixture {
    @TempDir
    Path out;

    private String topic;
    private int produced;

    @BeforeEach
    void setUp() {
        topic = SharedKafkaBroker.createTopic("restart", 3);
        message("CREATE TABLE src (id INT, name VARCHAR) WITH ('connector'='kafka', 'topic'='" + topic
                + "', 'format'='json')");
        message("SET trigger = available-now");
    }

    private void produce(int n) {
        for (int i = 0; i < n; i++) {
            int id = produced++;
            SharedKafkaBroker.produce(topic, id % 3, null, "{\"id\": " + id + ", \"name\": \"n" + id + "\"}");
        }
    }

    private StreamingQuery run(String sinkTable) throws InterruptedException {
        message("SET query.name = copy");
        StreamingQuery q = ((StatementResult.Query) sluice.execute(
                "INSERT INTO " + sinkTable + " SELECT STREAM id, name FROM src")).query();
        try {
            assertTrue(q.awaitTermination(Duration.ofSeconds(60)), "query ended");
        } catch (SluiceException e) {
            // The query failed; callers look at q.exception().
        }
        assertTrue(!q.isActive());
        return q;
    }

    private Path checkpoint() {
        return home.resolve("checkpoints").resolve("copy");
    }

    /** Every id in the sink's committed files, with how often it occurs. */
    private Map<Integer, Integer> sinkIds() throws Exception {
        Map<Integer, Integer> counts = new TreeMap<>();
        for (String line : FileSinkContents.committedLines(out.toString())) {
            int id = Integer.parseInt(line.replaceAll(".*\"id\":(\\d+).*", "$1"));
            counts.merge(id, 1, Integer::sum);
        }
        return counts;
    }

    private Map<Integer, Integer> eachOnce(int n) {
        Map<Integer, Integer> expected = new TreeMap<>();
        IntStream.range(0, n).forEach(i -> expected.put(i, 1));
        return expected;
    }

    @Test
    void crashAfterOffsetLogBeforeSinkReRunsTheSameOffsets() throws Exception {
        message("CREATE TABLE sink (id INT, name VARCHAR) WITH ('connector'='fail-once-file', 'path'='"
                + out + "', 'format'='json', 'fail.batch'='1', 'fail.when'='before-sink')");
        produce(30);
        StreamingQuery first = run("sink");
        assertTrue(first.exception().isEmpty());
        produce(20);
        StreamingQuery crashed = run("sink");
        assertTrue(crashed.exception().orElseThrow().getMessage().contains("injected crash before"));
        assertTrue(Files.exists(checkpoint().resolve("offsets").resolve("1")), "batch 1 was logged");
        assertTrue(!Files.exists(checkpoint().resolve("commits").resolve("1")), "batch 1 was not committed");
        String loggedBatch1 = Files.readString(checkpoint().resolve("offsets").resolve("1"));

        produce(10);  // arrives after the crash: must not leak into the re-run of batch 1
        StreamingQuery restarted = run("sink");
        assertTrue(restarted.exception().isEmpty());
        List<QueryProgress> progress = restarted.recentProgress();
        assertEquals(1, progress.get(0).batchId(), "the uncommitted batch is re-run first");
        assertEquals(20, progress.get(0).inputRows(), "with exactly its logged offsets");
        assertEquals(loggedBatch1, Files.readString(checkpoint().resolve("offsets").resolve("1")));
        assertEquals(2, progress.get(1).batchId());
        assertEquals(10, progress.get(1).inputRows());
        assertEquals(eachOnce(60), sinkIds());
    }

    @Test
    void crashAfterSinkBeforeCommitDoesNotDuplicate() throws Exception {
        message("CREATE TABLE sink (id INT, name VARCHAR) WITH ('connector'='fail-once-file', 'path'='"
                + out + "', 'format'='json', 'fail.batch'='1', 'fail.when'='after-sink')");
        produce(30);
        run("sink");
        produce(20);
        StreamingQuery crashed = run("sink");
        assertTrue(crashed.exception().orElseThrow().getMessage().contains("injected crash after"));
        assertEquals(eachOnce(50), sinkIds(), "the sink has batch 1 although it was not committed");

        produce(5);
        StreamingQuery restarted = run("sink");
        assertTrue(restarted.exception().isEmpty());
        assertEquals(List.of(1L, 2L), restarted.recentProgress().stream().map(QueryProgress::batchId).toList());
        assertEquals(eachOnce(55), sinkIds());
    }

    @Test
    void crashBeforeOffsetLogAndCleanStopsResumeWhereCommitted() throws Exception {
        message("CREATE TABLE sink (id INT, name VARCHAR) WITH ('connector'='filesystem', 'path'='"
                + out + "', 'format'='json')");
        List<Long> batchIds = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            produce(7);
            StreamingQuery q = run("sink");
            assertTrue(q.exception().isEmpty());
            q.recentProgress().forEach(p -> batchIds.add(p.batchId()));
            // A "crash" before the next offset log write leaves nothing behind: the next run simply continues.
        }
        assertEquals(List.of(0L, 1L, 2L), batchIds);
        StreamingQuery idle = run("sink");
        assertTrue(idle.recentProgress().isEmpty(), "no new data, no batch");
        assertEquals(eachOnce(21), sinkIds());
    }

    @Test
    void queriesCannotShareARunningName() throws Exception {
        message("CREATE TABLE sink (id INT, name VARCHAR) WITH ('connector'='filesystem', 'path'='"
                + out + "', 'format'='json')");
        message("SET trigger = 10 s");
        message("SET query.name = busy");
        StreamingQuery q = ((StatementResult.Query) sluice.execute("INSERT INTO sink SELECT STREAM id, name FROM src")).query();
        try {
            message("SET query.name = busy");
            SluiceException e = assertThrows(SluiceException.class,
                    () -> sluice.execute("INSERT INTO sink SELECT STREAM id, name FROM src"));
            assertTrue(e.getMessage().contains("'busy' is already running"), e.getMessage());
        } finally {
            q.stop();
        }
        assertTrue(!q.isActive());
    }
}
