package dev.sluice.chaos;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes a scenario's input to Kafka: round after round from a background thread, at a steady rate, for as
 * long as query processes are being killed ({@link #start} to {@link #stop}); then any closing input
 * ({@link #write}).
 *
 * <p>Every record is written exactly once and in order per partition (idempotent producer, {@code acks=all},
 * one flush per chunk of {@value #CHUNK} records, so that no partition runs ahead of the others by more than a
 * chunk): {@link #produced()} is then exactly what the topics hold. A failed write stops the writing and is
 * reported ({@link #failure()}): it fails the run, never leaves a silent gap. Not thread-safe apart from the background thread it owns.
 */
final class InputProducer implements AutoCloseable {
    private static final int CHUNK = 100;

    private final KafkaProducer<String, String> producer;
    private final double rowsPerSecond;
    private final List<ProducerRecord<String, String>> produced = new ArrayList<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean stopping;
    private Thread thread;
    private int rounds;

    InputProducer(String bootstrapServers, double rowsPerSecond) {
        requireNonNull(bootstrapServers, "bootstrapServers is null");
        this.rowsPerSecond = rowsPerSecond;
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
                ProducerConfig.LINGER_MS_CONFIG, "5",
                // One request in flight: a retried batch can never land behind later ones (with several, a
                // retry on a topic just created went on with OUT_OF_ORDER_SEQUENCE_NUMBER for ever).
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1",
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "60000",
                ProducerConfig.CLIENT_ID_CONFIG, "sluice-chaos-input"),
                new StringSerializer(), new StringSerializer());
    }

    /** Starts writing {@code round.apply(0)}, {@code round.apply(1)}, ... until {@link #stop()}. */
    void start(IntFunction<List<ProducerRecord<String, String>>> round) {
        requireNonNull(round, "round is null");
        thread = new Thread(() -> {
            long started = System.nanoTime();
            long written = 0;
            while (!stopping && failure.get() == null) {
                List<ProducerRecord<String, String>> records = round.apply(rounds);
                written = write(records, started, written);
                rounds++;
            }
        }, "chaos-producer");
        thread.setDaemon(true);
        thread.start();
    }

    /** Lets the round being written finish, then stops; returns the number of rounds written. */
    int stop() throws InterruptedException {
        stopping = true;
        if (thread != null) {
            thread.join();
        }
        return rounds;
    }

    /** Writes {@code records} now (after {@link #stop()}). */
    void write(List<ProducerRecord<String, String>> records) {
        write(records, System.nanoTime(), 0);
    }

    /** Why writing the input failed, if it did: the run can't be checked then. */
    Optional<String> failure() {
        Throwable t = failure.get();
        return t == null ? Optional.empty() : Optional.of("writing the input failed: " + t);
    }

    /** Writes records at the steady rate counted from {@code started}; returns the total written since then. */
    private long write(List<ProducerRecord<String, String>> records, long started, long writtenBefore) {
        long written = writtenBefore;
        try {
            for (int i = 0; i < records.size() && failure.get() == null; i += CHUNK) {
                List<ProducerRecord<String, String>> chunk = records.subList(i, Math.min(records.size(), i + CHUNK));
                for (ProducerRecord<String, String> r : chunk) {
                    producer.send(r, (metadata, e) -> {
                        if (e != null) {
                            failure.compareAndSet(null, e);
                        }
                    });
                }
                producer.flush();
                synchronized (produced) {
                    produced.addAll(chunk);
                }
                written += chunk.size();
                long wait = started + (long) (written * 1e9 / rowsPerSecond) - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure.compareAndSet(null, e);
        } catch (RuntimeException e) {
            failure.compareAndSet(null, e);
        }
        return written;
    }

    /** Every record written so far, in the order written. */
    List<ProducerRecord<String, String>> produced() {
        synchronized (produced) {
            return List.copyOf(produced);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stopping = true;
        if (thread != null) {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        }
        producer.close(Duration.ofSeconds(10));
    }
}
