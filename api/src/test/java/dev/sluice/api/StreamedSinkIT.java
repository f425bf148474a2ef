package dev.sluice.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.connectors.testing.SharedKafkaBroker;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A stateless query's rows go to a sink that writes them as they come ({@link StreamingSinkConnector}) while the
 * batch runs, each batch committed at its end, nothing before its offsets are logged, and a batch whose write
 * failed is discarded and run again whole: every record once, checked against plain Java over the input.
 */
class StreamedSinkIT extends KafkaSessionFixture {
    private static final int PARTITIONS = 3;
    private static final int PER_PARTITION = 20_000;

    private String topic;
    private final List<String> keys = new ArrayList<>();
    private final List<Integer> values = new ArrayList<>();

    @BeforeEach
    void setUp() {
        StreamingSinkConnector.EVENTS.clear();
        topic = SharedKafkaBroker.createTopic("streamed", PARTITIONS);
        for (int p = 0; p < PARTITIONS; p++) {
            List<String> records = new ArrayList<>();
            for (int i = 0; i < PER_PARTITION; i++) {
                int v = values.size();
                String k = "k" + (v % 7);
                keys.add(k);
                values.add(v);
                records.add("{\"k\": \"" + k + "\", \"v\": " + v + "}");
            }
            SharedKafkaBroker.produceValues(topic, p, records);
        }
        message("CREATE TABLE src (k VARCHAR, v INT) WITH ('connector'='kafka', 'topic'='" + topic
                + "', 'format'='json')");
    }

    @Test
    void rowsGoToTheSinkAsTheyComeAndAFailedBatchIsWrittenAgainWhole() throws Exception {
        Path checkpoint = home.resolve("checkpoints").resolve("streamed");
        message("CREATE TABLE copy (k VARCHAR, v INT) WITH ('connector'='streaming-memory', 'checkpoint.dir'='"
                + checkpoint + "', 'fail.write'='2')");
        message("SET trigger = available-now");
        StreamingQuery q = runNamed("streamed", "INSERT INTO copy SELECT STREAM k, v FROM src WHERE MOD(v, 3) <> 1");
        assertEquals(Optional.empty(), q.exception());
        // Its batches hold only the rows in flight, so available-now reads the backlog in one batch.
        assertEquals(List.of(0L), q.recentProgress().stream().map(QueryProgress::batchId).toList());

        List<List<Object>> expected = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            if (values.get(i) % 3 != 1) {
                expected.add(List.of(keys.get(i), values.get(i)));
            }
        }
        List<List<Object>> copied = new ArrayList<>(rows("SELECT k, v FROM copy"));
        copied.sort((a, b) -> Integer.compare((Integer) a.get(1), (Integer) b.get(1)));
        assertEquals(expected, copied, "every row once");

        List<String> events = StreamingSinkConnector.EVENTS;
        int rerun = events.lastIndexOf("open 0");
        assertTrue(rerun > 0, events.toString());
        assertEquals(List.of("open 0", "write"), events.subList(0, 2).stream().map(e -> e.startsWith("write")
                ? "write" : e).toList(), "the first run wrote");
        assertEquals("close 0", events.get(rerun - 1), "the failed run was closed without a commit");
        assertTrue(!events.subList(0, rerun).contains("commit 0"), events.toString());
        List<String> writes = events.subList(rerun + 1, events.size() - 2);
        assertEquals(List.of("commit 0", "close 0"), events.subList(events.size() - 2, events.size()));
        assertTrue(writes.size() >= PARTITIONS, "rows came in pieces as the tasks made them: " + writes);
        long written = 0;
        for (String write : events) {
            if (write.startsWith("write")) {
                assertTrue(write.endsWith(" logged"), "nothing before the batch's offsets are logged: " + write);
            }
        }
        for (String write : writes) {
            written += Long.parseLong(write.split(" ")[2]);
        }
        assertEquals(expected.size(), written, "the second run wrote the whole batch");
    }
}
