package dev.sluice.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;

/**
 * Writes the reference workload of BENCHMARK.md: {@code n} click events, deterministic for a seed, in the
 * same shape and order as the anchor harness's generator ({@code ts} rising linearly over 60 s,
 * {@code user_id} 0..99999 as the key, {@code page} /p/0../p/999, {@code amount} 0.00..99.99,
 * {@code country} one of 20).
 *
 * <p>Written as one producer writes keyed records, a topic's record batches shrink as its partitions grow: the
 * producer sends every partition's open batch whenever one is due, so 5 M events hold about 1,400 records per
 * batch over 8 partitions, 40 over 256 and 1.3 over 1,024. A reader then pays Kafka's per-batch cost on almost
 * every record, which measures the batches, not the partitions. With {@code runRecords > 0} each partition's
 * records (the same records, in the same order, in the partition the default partitioner picks for their key)
 * are sent in runs of that many, so the batches hold about that many records however many partitions there
 * are: the topic differs from the 8-partition one only in its partitions.
 */
final class EventGenerator {
    private static final String[] COUNTRIES = {
        "US", "GB", "DE", "FR", "IN", "CN", "JP", "BR", "CA", "AU",
        "ES", "IT", "NL", "SE", "MX", "KR", "RU", "ZA", "PL", "TR"
    };
    private static final long BASE_TS = 1_700_000_000_000L;
    private static final long SPAN_MS = 60_000L;

    private EventGenerator() {
    }

    /** Produces the events and returns how many have {@code amount > 50} (Q1's expected output). */
    static long generate(String bootstrap, String topic, long n, long seed, int partitions, int runRecords)
            throws Exception {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.ACKS_CONFIG, "1",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false,
                ProducerConfig.LINGER_MS_CONFIG, 10,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
                ProducerConfig.BUFFER_MEMORY_CONFIG, 128L * 1024 * 1024);
        SplittableRandom random = new SplittableRandom(seed);
        AtomicReference<Exception> failure = new AtomicReference<>();
        long over50 = 0;
        StringBuilder sb = new StringBuilder(128);
        List<List<ProducerRecord<byte[], byte[]>>> runs = new ArrayList<>();
        for (int p = 0; runRecords > 0 && p < partitions; p++) {
            runs.add(new ArrayList<>(runRecords));
        }
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config)) {
            for (long i = 0; i < n; i++) {
                long ts = BASE_TS + (i * SPAN_MS) / n;
                int user = random.nextInt(100_000);
                int page = random.nextInt(1000);
                int cents = random.nextInt(10_000);
                String country = COUNTRIES[random.nextInt(COUNTRIES.length)];
                if (cents > 5000) {
                    over50++;
                }
                sb.setLength(0);
                sb.append("{\"ts\": ").append(ts).append(", \"user_id\": ").append(user)
                        .append(", \"page\": \"/p/").append(page).append("\", \"amount\": ")
                        .append(cents / 100).append('.').append(cents % 100 < 10 ? "0" : "").append(cents % 100)
                        .append(", \"country\": \"").append(country).append("\"}");
                byte[] key = Integer.toString(user).getBytes(StandardCharsets.US_ASCII);
                byte[] value = sb.toString().getBytes(StandardCharsets.UTF_8);
                if (runRecords <= 0) {
                    send(producer, new ProducerRecord<>(topic, key, value), failure);
                    continue;
                }
                // The default partitioner's choice for a keyed record, made here so a partition's records can wait for their run.
                int partition = Utils.toPositive(Utils.murmur2(key)) % partitions;
                List<ProducerRecord<byte[], byte[]>> run = runs.get(partition);
                run.add(new ProducerRecord<>(topic, partition, key, value));
                if (run.size() == runRecords) {
                    sendRun(producer, run, failure);
                }
            }
            for (List<ProducerRecord<byte[], byte[]>> run : runs) {
                sendRun(producer, run, failure);
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        return over50;
    }

    /** Sends a run of one partition's records one after another, so the producer batches them together. */
    private static void sendRun(KafkaProducer<byte[], byte[]> producer, List<ProducerRecord<byte[], byte[]>> run,
                                AtomicReference<Exception> failure) throws Exception {
        for (ProducerRecord<byte[], byte[]> record : run) {
            send(producer, record, failure);
        }
        run.clear();
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, ProducerRecord<byte[], byte[]> record,
                             AtomicReference<Exception> failure) throws Exception {
        producer.send(record, (metadata, e) -> {
            if (e != null) {
                failure.compareAndSet(null, e);
            }
        });
        if (failure.get() != null) {
            throw failure.get();
        }
    }
}
