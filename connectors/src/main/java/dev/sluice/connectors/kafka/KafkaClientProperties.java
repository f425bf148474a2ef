package dev.sluice.connectors.kafka;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteBufferDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The settings of the Kafka clients Sluice creates for a table: Sluice's defaults (bounded timeouts, fetch
 * sizes for throughput, no consumer group), then the table's {@code properties.*} options that the client
 * knows, then the settings Sluice must control.
 */
final class KafkaClientProperties {
    /** Bound on metadata and offset lookups, so an unreachable cluster fails fast instead of hanging. */
    static final int DEFAULT_API_TIMEOUT_MS = 10_000;

    private static final AtomicLong CLIENT_SEQUENCE = new AtomicLong();
    private static final Set<String> ADMIN_CONFIGS = AdminClientConfig.configNames();
    private static final Set<String> CONSUMER_CONFIGS = ConsumerConfig.configNames();
    private static final Set<String> PRODUCER_CONFIGS = ProducerConfig.configNames();

    private final String bootstrapServers;
    private final String table;
    private final Map<String, String> userProperties;

    KafkaClientProperties(String bootstrapServers, String table, Map<String, String> userProperties) {
        this.bootstrapServers = bootstrapServers;
        this.table = table;
        this.userProperties = Map.copyOf(userProperties);
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    /** Timeout of admin calls and blocking consumer lookups: {@code properties.default.api.timeout.ms} or 10 s. */
    int apiTimeoutMs() {
        String configured = userProperties.get(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG);
        if (configured == null) {
            return DEFAULT_API_TIMEOUT_MS;
        }
        try {
            return Integer.parseInt(configured.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Invalid value '" + configured + "' for option '"
                    + KafkaTableOptions.PROPERTIES_PREFIX + ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG + "' of table '"
                    + table + "': expected milliseconds", e);
        }
    }

    /** Whether the table reads only committed transactional records. */
    boolean readCommitted() {
        return "read_committed".equalsIgnoreCase(userProperties.getOrDefault(ConsumerConfig.ISOLATION_LEVEL_CONFIG, ""));
    }

    Map<String, Object> admin() {
        Map<String, Object> p = base("admin", ADMIN_CONFIGS);
        p.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, DEFAULT_API_TIMEOUT_MS);
        p.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, DEFAULT_API_TIMEOUT_MS);
        return p;
    }

    /**
     * A consumer that reads assigned partitions at explicit offsets: no group, no commits, no reset.
     *
     * @param movesBetweenPartitions whether the consumer will be moved from partition to partition (more
     *     partitions than consumers): then it fetches and polls less at a time
     */
    Map<String, Object> consumer(boolean movesBetweenPartitions) {
        Map<String, Object> p = base("reader", CONSUMER_CONFIGS);
        p.putIfAbsent(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, DEFAULT_API_TIMEOUT_MS);
        // A consumer reads one partition's offset range at a time. With more partitions than the pool has
        // consumers (PartitionConsumerPool), it then moves to another partition, dropping what it polled or
        // prefetched past the range: fetches of 256 KB per partition and polls of 250 records keep that waste
        // small. Measured (docs/benchmark.md), Q1 over 1,024 partitions (ranges of about 1,000 records) took 23.3
        // CPU s with Kafka's 1 MB fetches and polls of 1,000, 20.7 with polls of 250, 19.0 with 256 KB fetches
        // too (most of a 1 MB fetch past a short range was sent, received and dropped); over 256 partitions 4 MB
        // fetches and polls of 10,000 had cost 23 CPU s, 1 MB and 1,000 14. A consumer that stays on its
        // partition keeps what it fetched for the next range: it fetches 1 MB and polls 1,000 at a time.
        p.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, movesBetweenPartitions ? 250 : 1_000);
        p.putIfAbsent(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, movesBetweenPartitions ? 256 * 1024 : 1024 * 1024);
        p.putIfAbsent(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 8 * 1024 * 1024);
        p.putIfAbsent(ConsumerConfig.RECEIVE_BUFFER_CONFIG, 1024 * 1024);
        // A short fetch.max.wait: the prefetch a consumer sends past its range's end, at the end of the log,
        // would otherwise hold the next range's first fetch (one request in flight per broker) for that long.
        p.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // Offsets lost to retention must fail the read rather than silently jump.
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        // Record keys and values as slices of the fetched bytes: decoders read them where they lie, no copy per record.
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteBufferDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteBufferDeserializer.class);
        return p;
    }

    /** An idempotent producer that waits for all in-sync replicas. */
    Map<String, Object> producer(String role) {
        Map<String, Object> p = base(role, PRODUCER_CONFIGS);
        p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        // Fail a write to a missing topic or an unreachable cluster in seconds, not minutes.
        p.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
        p.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
        p.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return p;
    }

    /**
     * Bootstrap servers, a unique client id (for broker logs and JMX; a configured client.id is its prefix), and the user properties this client
     * knows; properties no client knows (plugins' settings) go to every client.
     */
    private Map<String, Object> base(String role, Set<String> clientConfigs) {
        Map<String, Object> p = new HashMap<>();
        userProperties.forEach((key, value) -> {
            boolean knownElsewhere = ADMIN_CONFIGS.contains(key) || CONSUMER_CONFIGS.contains(key)
                    || PRODUCER_CONFIGS.contains(key);
            if (clientConfigs.contains(key) || !knownElsewhere) {
                p.put(key, value);
            }
        });
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        String clientIdPrefix = userProperties.getOrDefault(AdminClientConfig.CLIENT_ID_CONFIG, "sluice-" + table);
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, clientIdPrefix + "-" + role + "-" + CLIENT_SEQUENCE.incrementAndGet());
        return p;
    }
}
