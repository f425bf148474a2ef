package dev.sluice.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.connectors.testing.SharedKafkaBroker;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code INSERT INTO} a Kafka table across a crash between the sink and the commit marker: exactly-once
 * (the default) writes every row once for read_committed readers; at-least-once writes the crashed batch
 * twice, as documented.
 */
class KafkaSinkRecoveryIT extends KafkaSessionFixture {
    private String in;
    private String out;
    private int produced;

    @BeforeEach
    void setUp() {
        in = SharedKafkaBroker.createTopic("eos-in", 3);
        out = SharedKafkaBroker.createTopic("eos-out", 2);
        message("CREATE TABLE src (id INT) WITH ('connector'='kafka', 'topic'='" + in + "', 'format'='json')");
        message("SET trigger = available-now");
    }

    private void produce(int n) {
        for (int i = 0; i < n; i++) {
            int id = produced++;
            SharedKafkaBroker.produce(in, id % 3, null, "{\"id\": " + id + "}");
        }
    }

    /** Each id read back from the output topic with read_committed, and how often. */
    private Map<Integer, Integer> committedIds() {
        Map<Integer, Integer> counts = new TreeMap<>();
        for (ConsumerRecord<String, String> r : SharedKafkaBroker.readAll(out, true)) {
            counts.merge(Integer.parseInt(r.value().replaceAll("\\D", "")), 1, Integer::sum);
        }
        return counts;
    }

    private static Map<Integer, Integer> each(int n, int times) {
        Map<Integer, Integer> expected = new TreeMap<>();
        IntStream.range(0, n).forEach(i -> expected.put(i, times));
        return expected;
    }

    private StreamingQuery copy() throws InterruptedException {
        return runNamed("copy", "INSERT INTO sink SELECT STREAM id FROM src");
    }

    private void crashAfterSinkThenRestart(String guaranteeOption) throws InterruptedException {
        message("CREATE TABLE sink (id INT) WITH ('connector'='fail-once-kafka', 'topic'='" + out
                + "', 'format'='json', 'fail.batch'='1', 'fail.when'='after-sink'" + guaranteeOption + ")");
        produce(30);
        assertTrue(copy().exception().isEmpty());
        produce(20);
        StreamingQuery crashed = copy();
        assertTrue(crashed.exception().orElseThrow().getMessage().contains("injected crash after"));
        produce(5);
        StreamingQuery restarted = copy();
        assertTrue(restarted.exception().isEmpty(), () -> restarted.exception().toString());
        assertEquals(List.of(1L, 2L), restarted.recentProgress().stream().map(QueryProgress::batchId).toList(),
                "batch 1 was re-run");
    }

    @Test
    void exactlyOnceByDefault() throws Exception {
        crashAfterSinkThenRestart("");
        assertEquals(each(55, 1), committedIds());
    }

    @Test
    void atLeastOnceWritesTheReRunBatchAgain() throws Exception {
        crashAfterSinkThenRestart(", 'sink.delivery-guarantee'='at-least-once'");
        Map<Integer, Integer> expected = each(55, 1);
        IntStream.range(30, 50).forEach(i -> expected.put(i, 2));
        assertEquals(expected, committedIds());
    }
}
