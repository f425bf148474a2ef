package dev.sluice.connectors.embedded;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Produces a live stream of click events to a Kafka topic for the demo, on a daemon thread, at a steady
 * rate. Each record's value is a JSON object
 * {@code {"ts": <epoch ms now>, "user_id": <0..999>, "page": "/p/<0..49>", "amount": <0.00..99.99>,
 * "country": "<code>"}} and its key is the user id as text.
 *
 * <p>The values after {@code ts} come from a {@link Random} with the given seed, so a run is repeatable.
 * {@link #start()} creates the topic if missing ({@value #DEFAULT_PARTITIONS} partitions);
 * {@link #close()} stops the thread and flushes what was produced. Thread-safe.
 */
public final class DemoClickGenerator implements AutoCloseable {
    public static final String DEFAULT_TOPIC = "clicks";
    public static final int DEFAULT_PARTITIONS = 4;
    public static final double DEFAULT_EVENTS_PER_SECOND = 20;
    public static final long DEFAULT_SEED = 42;
    /** The country codes events are drawn from. */
    public static final List<String> COUNTRIES = List.of("US", "DE", "FR", "GB", "JP", "BR", "IN", "CA", "AU", "ES");

    private static final Logger LOG = LoggerFactory.getLogger(DemoClickGenerator.class);
    /** How often the thread wakes up to catch up with the rate. */
    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final String bootstrapServers;
    private final String topic;
    private final double eventsPerSecond;
    private final Random random;
    private final AtomicLong eventsSent = new AtomicLong();
    private final AtomicReference<Exception> sendFailure = new AtomicReference<>();
    private final StringBuilder json = new StringBuilder(128);
    private KafkaProducer<byte[], byte[]> producer;
    private Thread thread;
    private volatile boolean running;
    private boolean closed;

    /** A generator of {@value #DEFAULT_EVENTS_PER_SECOND} events per second to topic {@value #DEFAULT_TOPIC}. */
    public DemoClickGenerator(String bootstrapServers) {
        this(bootstrapServers, DEFAULT_TOPIC, DEFAULT_EVENTS_PER_SECOND, DEFAULT_SEED);
    }

    public DemoClickGenerator(String bootstrapServers, String topic, double eventsPerSecond, long seed) {
        this.bootstrapServers = requireNonNull(bootstrapServers, "bootstrapServers is null");
        this.topic = requireNonNull(topic, "topic is null");
        if (!(eventsPerSecond > 0)) {
            throw new IllegalArgumentException("eventsPerSecond must be positive: " + eventsPerSecond);
        }
        this.eventsPerSecond = eventsPerSecond;
        this.random = new Random(seed);
    }

    public String topic() {
        return topic;
    }

    /** Events acknowledged by Kafka so far. */
    public long eventsSent() {
        return eventsSent.get();
    }

    /**
     * Creates the topic if it does not exist, then starts producing.
     *
     * @throws IllegalStateException if already started, or the topic can't be created
     */
    public synchronized DemoClickGenerator start() {
        if (thread != null) {
            throw new IllegalStateException("Click generator already started");
        }
        createTopicIfMissing();
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.CLIENT_ID_CONFIG, "sluice-demo-clicks",
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.ACKS_CONFIG, "all"),
                new ByteArraySerializer(), new ByteArraySerializer());
        running = true;
        thread = new Thread(this::run, "demo-click-generator");
        thread.setDaemon(true);
        thread.start();
        LOG.info("Producing {} click events per second to topic '{}' on {}", eventsPerSecond, topic, bootstrapServers);
        return this;
    }

    private void createTopicIfMissing() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            if (admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(topic)) {
                return;
            }
            admin.createTopics(List.of(new NewTopic(topic, DEFAULT_PARTITIONS, (short) 1))).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("Can't create topic '" + topic + "': " + e.getCause().getMessage(), e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted creating topic '" + topic + "'", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Can't reach Kafka at '" + bootstrapServers + "' to create topic '" + topic + "'", e);
        }
    }

    private void run() {
        long startNanos = System.nanoTime();
        long produced = 0;
        try {
            while (running) {
                long due = (long) ((System.nanoTime() - startNanos) / 1e9 * eventsPerSecond);
                for (; produced < due && running; produced++) {
                    send();
                }
                TimeUnit.NANOSECONDS.sleep(TICK_NANOS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("Click generator for topic '{}' stopped", topic, e);
        }
    }

    private void send() {
        int userId = random.nextInt(1000);
        json.setLength(0);
        json.append("{\"ts\":").append(System.currentTimeMillis())
                .append(",\"user_id\":").append(userId)
                .append(",\"page\":\"/p/").append(random.nextInt(50)).append('"');
        int cents = random.nextInt(10_000);
        json.append(",\"amount\":").append(cents / 100).append('.').append(cents % 100 < 10 ? "0" : "").append(cents % 100)
                .append(",\"country\":\"").append(COUNTRIES.get(random.nextInt(COUNTRIES.size()))).append("\"}");
        byte[] key = Integer.toString(userId).getBytes(StandardCharsets.UTF_8);
        byte[] value = json.toString().getBytes(StandardCharsets.UTF_8);
        producer.send(new ProducerRecord<>(topic, key, value), (metadata, e) -> {
            if (e == null) {
                eventsSent.incrementAndGet();
            } else if (sendFailure.compareAndSet(null, e)) {
                LOG.warn("Click generator failed to write to topic '{}': {}", topic, e.toString());
            }
        });
    }

    /** Stops producing, and waits until what was produced is written. */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            running = false;
            if (thread == null || closed) {
                return;
            }
            closed = true;
            t = thread;
        }
        try {
            t.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(10));
        LOG.info("Click generator stopped after {} events to topic '{}'", eventsSent(), topic);
    }
}
