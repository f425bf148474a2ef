package dev.sluice.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.connectors.embedded.EmbeddedKafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Kafka broker bounce while a query runs: the broker is stopped and started again on the same port with
 * the same data (a dedicated broker, not the shared one). The query rides out an outage shorter than its
 * {@code outageTimeout}, saying meanwhile that it waits for Kafka; a longer one fails it clearly, and a
 * restart then loses nothing. Every input row is checked in the file sink, and in an exactly-once Kafka
 * sink on the same broker (read with read_committed), exactly once.
 */
class BrokerOutageIT {
    private static final String TOPIC = "bounce";
    private static final String OUT_TOPIC = "bounce-out";

    @TempDir
    Path home;
    @TempDir
    Path brokerData;
    @TempDir
    Path out;

    private EmbeddedKafkaBroker broker;
    private KafkaProducer<String, String> producer;
    private Sluice sluice;
    /** Ids whose records Kafka acknowledged; sends that failed. */
    private final Set<Integer> acknowledged = ConcurrentHashMap.newKeySet();
    private final List<Exception> sendFailures = new CopyOnWriteArrayList<>();
    private final List<String> waiting = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() {
        broker = EmbeddedKafkaBroker.start(brokerData);
        broker.createTopic(TOPIC, 2);
        broker.createTopic(OUT_TOPIC, 2);
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
                ProducerConfig.LINGER_MS_CONFIG, "5",
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "180000",
                ProducerConfig.MAX_BLOCK_MS_CONFIG, "180000"),
                new StringSerializer(), new StringSerializer());
        sluice = Sluice.builder().home(home).bootstrapServers(broker.bootstrapServers()).build();
        sluice.addListener(new StreamingQueryListener() {
            @Override
            public void onQueryWaiting(StreamingQuery query, String status) {
                waiting.add(status);
            }
        });
        sluice.execute("CREATE TABLE sink (id INT) WITH ('connector'='filesystem', 'path'='" + out + "', 'format'='json')");
        sluice.execute("CREATE TABLE ksink (id INT) WITH ('connector'='kafka', 'topic'='" + OUT_TOPIC + "', "
                + "'format'='json')");
    }

    @AfterEach
    void tearDown() {
        sluice.close();
        producer.close(Duration.ofSeconds(5));
        broker.close();
    }

    private void send(int id) {
        producer.send(new ProducerRecord<>(TOPIC, id % 2, null, "{\"id\": " + id + "}"), (metadata, e) -> {
            if (e == null) {
                acknowledged.add(id);
            } else {
                sendFailures.add(e);
            }
        });
    }

    private void produce(int from, int to) {
        for (int id = from; id < to; id++) {
            send(id);
        }
        producer.flush();
    }

    private StreamingQuery start(String name) {
        return start(name, "sink");
    }

    private StreamingQuery start(String name, String sink) {
        sluice.execute("SET query.name = " + name);
        return ((StatementResult.Query) sluice.execute("INSERT INTO " + sink + " SELECT STREAM id FROM src")).query();
    }

    @Test
    void queryRidesOutABrokerBounceAndWritesEveryRowOnce() throws Exception {
        rideOutABounce("sink", this::sinkIds);
    }

    @Test
    void exactlyOnceKafkaSinkRidesOutABrokerBounce() throws Exception {
        // Transactions open or committing when the broker stops are aborted or completed; the batch is retried.
        rideOutABounce("ksink", this::committedOutputIds);
    }

    private void rideOutABounce(String sink, java.util.function.Supplier<Map<Integer, Integer>> sinkIds)
            throws Exception {
        // A read the outage stalls gives up after 5 s (instead of 60) and is retried like a failed planning, so
        // the query says it waits for Kafka within the outage whatever it was doing when the broker stopped.
        sluice.execute("CREATE TABLE src (id INT) WITH ('connector'='kafka', 'topic'='" + TOPIC + "', 'format'='json', "
                + "'scan.read-timeout-ms'='5000')");
        sluice.execute("SET trigger = '200 ms'");
        StreamingQuery query = start("bounce", sink);
        // Input keeps coming while the broker is down: the producer holds it and delivers it once it is back.
        AtomicBoolean producing = new AtomicBoolean(true);
        AtomicReference<Integer> produced = new AtomicReference<>(0);
        Thread input = new Thread(() -> {
            for (int id = 0; producing.get(); id++) {
                send(id);
                produced.set(id + 1);
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "bounce-input");
        input.start();
        try {
            waitFor(() -> sinkIds.get().size() >= 300, "the query to write its first rows");

            broker.stop();
            long stopped = System.nanoTime();
            // The status says so once the running batch notices the outage (a stalled read gives up after 5 s;
            // a slow machine may take longer): the broker stays down 20 s, or until then.
            String status = query.status();
            while (!status.startsWith("waiting for Kafka") && System.nanoTime() - stopped < 90_000_000_000L) {
                Thread.sleep(100);
                status = query.status();
            }
            assertTrue(status.startsWith("waiting for Kafka at '" + broker.bootstrapServers() + "'"), status);
            assertTrue(status.contains("outageTimeout"), status);
            Thread.sleep(Math.max(0, 20_000 - (System.nanoTime() - stopped) / 1_000_000));
            assertTrue(query.isActive(), "the query rides out the outage");
            assertFalse(waiting.isEmpty(), "the query said it waits for Kafka");
            broker.restart();

            Thread.sleep(2_000);
        } finally {
            producing.set(false);
            input.join();
        }
        producer.flush();
        assertEquals(List.of(), sendFailures);
        assertEquals(produced.get(), acknowledged.size());
        waitFor(() -> sinkIds.get().size() >= acknowledged.size(), "every produced row in the sink");
        query.stop();
        assertEquals(Optional.empty(), query.exception());
        assertEquals(eachOnce(produced.get()), sinkIds.get());
        assertTrue(query.recentProgress().stream().anyMatch(p -> p.durationMillis().get("outage") > 0),
                "a batch reports the time it waited for Kafka");
        // Whether the outage hit a planning (can't reach) or a read (no record arrived) depends on timing.
        assertTrue(waiting.get(0).startsWith("waiting for Kafka at '" + broker.bootstrapServers() + "'"), waiting.get(0));
        assertTrue(waiting.get(0).contains("Last error: "), waiting.get(0));
    }

    @Test
    void outageLongerThanTheLimitFailsClearlyAndARestartLosesNothing() throws Exception {
        sluice.execute("CREATE TABLE src (id INT) WITH ('connector'='kafka', 'topic'='" + TOPIC + "', 'format'='json', "
                + "'properties.default.api.timeout.ms'='2000', 'properties.request.timeout.ms'='2000')");
        sluice.execute("SET trigger = '200 ms'");
        sluice.execute("SET outageTimeout = '3 s'");
        produce(0, 500);
        StreamingQuery query = start("limited");
        waitFor(() -> sinkIds().size() == 500, "the first rows in the sink");

        broker.stop();
        assertTrue(awaitEnd(query, Duration.ofSeconds(60)), "the query gives up after its outageTimeout");
        String error = query.exception().orElseThrow().getMessage();
        assertTrue(error.contains("Kafka at '" + broker.bootstrapServers() + "' could not be reached for"), error);
        assertTrue(error.contains("outageTimeout of 3000 ms"), error);
        assertTrue(error.contains("Last error: Can't reach Kafka at '" + broker.bootstrapServers() + "'"), error);
        assertTrue(query.status().startsWith("failed: "), query.status());
        assertFalse(waiting.isEmpty(), "it waited before giving up");

        broker.restart();
        produce(500, 800);
        sluice.execute("SET trigger = available-now");
        StreamingQuery restarted = start("limited");
        assertTrue(awaitEnd(restarted, Duration.ofSeconds(60)), "the restarted query ends");
        assertEquals(Optional.empty(), restarted.exception());
        assertEquals(List.of(), sendFailures);
        assertEquals(eachOnce(800), sinkIds());
    }

    private static boolean awaitEnd(StreamingQuery query, Duration timeout) throws InterruptedException {
        try {
            return query.awaitTermination(timeout);
        } catch (SluiceException failed) {
            return true;
        }
    }

    private Map<Integer, Integer> sinkIds() {
        Map<Integer, Integer> counts = new TreeMap<>();
        try {
            for (String line : FileSinkContents.committedLines(out.toString())) {
                counts.merge(Integer.parseInt(line.replaceAll(".*\"id\":(\\d+).*", "$1")), 1, Integer::sum);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return counts;
    }

    /** Each id in the Kafka sink's topic as a read_committed reader sees it, and how often. */
    private Map<Integer, Integer> committedOutputIds() {
        Map<Integer, Integer> counts = new TreeMap<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = List.of(new TopicPartition(OUT_TOPIC, 0), new TopicPartition(OUT_TOPIC, 1));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    counts.merge(Integer.parseInt(r.value().replaceAll("\\D", "")), 1, Integer::sum);
                }
            }
        }
        return counts;
    }

    private static Map<Integer, Integer> eachOnce(int n) {
        Map<Integer, Integer> expected = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            expected.put(i, 1);
        }
        return expected;
    }

    private static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(100);
        }
    }
}
