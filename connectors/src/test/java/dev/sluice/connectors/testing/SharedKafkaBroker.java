package dev.sluice.connectors.testing;

import static java.util.Objects.requireNonNull;

import dev.sluice.connectors.embedded.EmbeddedKafkaBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * One embedded Kafka broker per test JVM, started on first use and stopped when the JVM exits, with helpers
 * to create uniquely named topics and to write and read exact records.
 *
 * <p>Tests share the broker, so each creates its own topics with {@link #createTopic(String, int)}. Shared
 * with other modules through the connectors test-jar. Thread-safe.
 */
public final class SharedKafkaBroker {
    private static final AtomicInteger TOPIC_COUNTER = new AtomicInteger();
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    private static EmbeddedKafkaBroker broker;
    private static KafkaProducer<String, String> producer;

    private SharedKafkaBroker() {
    }

    /** The broker, started if this is the first use in this JVM. */
    public static synchronized EmbeddedKafkaBroker broker() {
        if (broker == null) {
            EmbeddedKafkaBroker started = EmbeddedKafkaBroker.start();
            Runtime.getRuntime().addShutdownHook(new Thread(SharedKafkaBroker::shutdown, "shared-kafka-broker-shutdown"));
            broker = started;
        }
        return broker;
    }

    /** {@code bootstrap.servers} of the shared broker. */
    public static String bootstrapServers() {
        return broker().bootstrapServers();
    }

    /**
     * Creates a topic named {@code <prefix>-<n>} (unique in this JVM) and returns its name once every
     * partition has a leader.
     */
    public static String createTopic(String prefix, int partitions) {
        return createTopic(prefix, partitions, Map.of());
    }

    /** Like {@link #createTopic(String, int)}, with topic configs such as {@code cleanup.policy}. */
    public static String createTopic(String prefix, int partitions, Map<String, String> configs) {
        String name = prefix.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "-") + "-" + TOPIC_COUNTER.incrementAndGet();
        broker().createTopic(name, partitions, configs);
        return name;
    }

    /** Writes one record (key and value may be null) to a partition and returns its offset. */
    public static long produce(String topic, int partition, String key, String value) {
        return produce(new ProducerRecord<>(topic, partition, key, value));
    }

    /** Writes one record with an explicit record timestamp (epoch millis) and returns its offset. */
    public static long produce(String topic, int partition, long timestamp, String key, String value) {
        return produce(new ProducerRecord<>(topic, partition, timestamp, key, value));
    }

    /** Writes one record as given (headers, timestamp...) and returns its offset. */
    public static long produce(ProducerRecord<String, String> record) {
        try {
            return producer().send(record).get().offset();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted writing to " + record.topic(), e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Can't write to " + record.topic() + ": " + e.getCause(), e.getCause());
        }
    }

    /**
     * Writes records without keys to a partition, in order, and returns their offsets. Values may be null
     * (tombstones).
     */
    public static List<Long> produceValues(String topic, int partition, List<String> values) {
        List<Future<RecordMetadata>> sent = new ArrayList<>(values.size());
        for (String value : values) {
            sent.add(producer().send(new ProducerRecord<>(topic, partition, null, value)));
        }
        producer().flush();
        List<Long> offsets = new ArrayList<>(sent.size());
        for (Future<RecordMetadata> f : sent) {
            try {
                offsets.add(f.get().offset());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted writing to " + topic, e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("Can't write to " + topic + ": " + e.getCause(), e.getCause());
            }
        }
        return offsets;
    }

    /** Varargs form of {@link #produceValues(String, int, List)}. */
    public static List<Long> produceValues(String topic, int partition, String... values) {
        return produceValues(topic, partition, Arrays.asList(values));
    }

    /**
     * Every record of a topic, partition by partition in offset order, read with a fresh consumer up to the
     * end offsets at the time of the call.
     */
    public static List<ConsumerRecord<String, String>> readAll(String topic) {
        return readAll(topic, false);
    }

    /**
     * Like {@link #readAll(String)}, as a reader with {@code isolation.level=read_committed} (only records
     * of committed transactions, up to the last stable offset) or {@code read_uncommitted} (every record
     * written, aborted transactions' too) sees it.
     *
     * <p>read_committed, it first waits for the markers of the transactions that ended before the call: Kafka's
     * {@code commitTransaction} returns once the coordinator logged the commit, and the coordinator writes the
     * commit markers into the partitions a moment later; until then the last stable offset stays at the
     * transaction's first record, and a reader right after the commit would see none of its records. It waits
     * (up to 30 s) for the last stable offset to reach the end of the log as it was at the call; a transaction
     * still open then is left out, as any read_committed reader leaves it out.
     */
    public static List<ConsumerRecord<String, String>> readAll(String topic, boolean readCommitted) {
        requireNonNull(topic, "topic is null");
        try (KafkaConsumer<String, String> consumer = consumer(readCommitted)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, READ_TIMEOUT).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .sorted(Comparator.comparingInt(TopicPartition::partition))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = readCommitted ? stableOffsets(consumer, partitions)
                    : consumer.endOffsets(partitions, READ_TIMEOUT);
            Map<TopicPartition, List<ConsumerRecord<String, String>>> byPartition = new HashMap<>();
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Timed out reading topic " + topic);
                }
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    if (r.offset() < ends.get(tp)) {
                        byPartition.computeIfAbsent(tp, k -> new ArrayList<>()).add(r);
                    }
                }
            }
            List<ConsumerRecord<String, String>> all = new ArrayList<>();
            for (TopicPartition tp : partitions) {
                all.addAll(byPartition.getOrDefault(tp, List.of()));
            }
            return all;
        }
    }

    /**
     * The last stable offsets of {@code partitions} (the end offsets a read_committed consumer gets) once they reach
     * the log end offsets as they are now, or as they are after {@link #READ_TIMEOUT}.
     */
    private static Map<TopicPartition, Long> stableOffsets(KafkaConsumer<String, String> readCommitted,
                                                           List<TopicPartition> partitions) {
        Map<TopicPartition, Long> logEnds;
        try (KafkaConsumer<String, String> readUncommitted = consumer(false)) {
            logEnds = readUncommitted.endOffsets(partitions, READ_TIMEOUT);
        }
        long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
        Map<TopicPartition, Long> stable = readCommitted.endOffsets(partitions, READ_TIMEOUT);
        while (behind(stable, logEnds) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for the transaction markers of " + partitions, e);
            }
            stable = readCommitted.endOffsets(partitions, READ_TIMEOUT);
        }
        return stable;
    }

    private static boolean behind(Map<TopicPartition, Long> offsets, Map<TopicPartition, Long> ends) {
        return ends.entrySet().stream().anyMatch(e -> offsets.get(e.getKey()) < e.getValue());
    }

    /** The values of {@link #readAll(String)}. */
    public static List<String> readValues(String topic) {
        return readAll(topic).stream().map(ConsumerRecord::value).toList();
    }

    /** The text of a record header, or null if the record has none of that name. */
    public static String header(ConsumerRecord<?, ?> record, String name) {
        var h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** A new consumer of the shared broker with String keys and values, no group; the caller closes it. */
    public static KafkaConsumer<String, String> consumer() {
        return consumer(false);
    }

    /** Like {@link #consumer()}, reading committed transactional records only if {@code readCommitted}. */
    public static KafkaConsumer<String, String> consumer(boolean readCommitted) {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, readCommitted ? "read_committed" : "read_uncommitted"),
                new StringDeserializer(), new StringDeserializer());
    }

    private static synchronized KafkaProducer<String, String> producer() {
        if (producer == null) {
            producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                    ProducerConfig.ACKS_CONFIG, "all",
                    ProducerConfig.LINGER_MS_CONFIG, "0",
                    // One request in flight: a retried request on a just-created topic can't land behind later
                    // ones, and the idempotent producer can't loop on OUT_OF_ORDER_SEQUENCE_NUMBER (seen under
                    // load, records then expire unsent after 120 s; the chaos and Nexmark producers had it too).
                    ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1",
                    ProducerConfig.CLIENT_ID_CONFIG, "shared-kafka-broker-producer"),
                    new StringSerializer(), new StringSerializer());
        }
        return producer;
    }

    private static synchronized void shutdown() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
            producer = null;
        }
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }

    /** Headers for {@link #produce(ProducerRecord)}: alternating names and values. */
    public static RecordHeaders headers(String... namesAndValues) {
        RecordHeaders headers = new RecordHeaders();
        for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
            headers.add(namesAndValues[i], namesAndValues[i + 1].getBytes(StandardCharsets.UTF_8));
        }
        return headers;
    }
}
