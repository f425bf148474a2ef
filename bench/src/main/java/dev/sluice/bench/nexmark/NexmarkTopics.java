package dev.sluice.bench.nexmark;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The three Nexmark topics ({@code person}, {@code auction}, {@code bid}, under a common prefix) and the
 * writing of generated events into them: one flat JSON object per record, keyed by id (a bid by its
 * auction), spread round-robin over the partitions in generation order, so each partition is in
 * event-time order (no late rows within a partition).
 *
 * @param person the person topic
 * @param auction the auction topic
 * @param bid the bid topic
 */
public record NexmarkTopics(String person, String auction, String bid) {
    public NexmarkTopics {
        requireNonNull(person, "person is null");
        requireNonNull(auction, "auction is null");
        requireNonNull(bid, "bid is null");
    }

    /** {@code <prefix>person}, {@code <prefix>auction}, {@code <prefix>bid}. */
    public static NexmarkTopics withPrefix(String prefix) {
        return new NexmarkTopics(prefix + "person", prefix + "auction", prefix + "bid");
    }

    public List<String> all() {
        return List.of(person, auction, bid);
    }

    /** Creates the topics that do not exist yet, with {@code partitions} partitions each. */
    public void create(String bootstrap, int partitions) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            var existing = admin.listTopics().names().get();
            List<NewTopic> missing = all().stream().filter(t -> !existing.contains(t))
                    .map(t -> new NewTopic(t, partitions, (short) 1)).toList();
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get();
            }
        }
    }

    /**
     * Generates the events of {@code config} straight into the topics (created beforehand, each with
     * {@code partitions} partitions) and returns how many of each were written: persons, auctions, bids.
     */
    public long[] write(String bootstrap, int partitions, NexmarkConfig config) throws Exception {
        return write(bootstrap, partitions, new NexmarkGenerator(config));
    }

    /** Writes events given in memory (e.g. a test's), in order. */
    public long[] write(String bootstrap, int partitions, Iterable<? extends NexmarkEvent> events) throws Exception {
        return write(bootstrap, partitions, events.iterator());
    }

    private long[] write(String bootstrap, int partitions, java.util.Iterator<? extends NexmarkEvent> events)
            throws Exception {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                // One request in flight: a retried batch can't land behind later ones, and the idempotent
                // producer can't loop on OUT_OF_ORDER_SEQUENCE_NUMBER after a timed-out request (seen on a
                // loaded machine with several in flight).
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1,
                ProducerConfig.LINGER_MS_CONFIG, 10,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
                ProducerConfig.BUFFER_MEMORY_CONFIG, 128L * 1024 * 1024);
        AtomicReference<Exception> failure = new AtomicReference<>();
        long[] counts = new long[3];
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config)) {
            while (events.hasNext()) {
                NexmarkEvent event = events.next();
                int table = event instanceof Person ? 0 : event instanceof Auction ? 1 : 2;
                String topic = all().get(table);
                int partition = (int) (counts[table]++ % partitions);
                producer.send(new ProducerRecord<>(topic, partition, event.key().getBytes(StandardCharsets.UTF_8),
                        event.toJson().getBytes(StandardCharsets.UTF_8)), (metadata, e) -> {
                            if (e != null) {
                                failure.compareAndSet(null, e);
                            }
                        });
                if (failure.get() != null) {
                    throw failure.get();
                }
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        return counts;
    }
}
