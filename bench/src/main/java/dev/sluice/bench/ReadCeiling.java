package dev.sluice.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The read ceiling: plain kafka-clients consumers with default settings read the whole topic without
 * decoding, as the anchor harness does; either one thread over all partitions or one thread per partition.
 */
final class ReadCeiling {
    private ReadCeiling() {
    }

    static PhaseResult run(String phase, String bootstrap, String topic, boolean threadPerPartition) throws Exception {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<TopicPartition> partitions = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(config)) {
            for (PartitionInfo p : c.partitionsFor(topic)) {
                partitions.add(new TopicPartition(topic, p.partition()));
            }
        }
        long t0 = System.nanoTime();
        long records = 0;
        if (threadPerPartition) {
            ExecutorService pool = Executors.newFixedThreadPool(partitions.size());
            try {
                List<Future<Long>> futures = new ArrayList<>();
                for (TopicPartition tp : partitions) {
                    futures.add(pool.submit(() -> readAll(config, List.of(tp))));
                }
                for (Future<Long> f : futures) {
                    records += f.get();
                }
            } finally {
                pool.shutdownNow();
            }
        } else {
            records = readAll(config, partitions);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new PhaseResult(phase, records, records, seconds, PhaseResult.currentPeakRssMb());
    }

    private static long readAll(Map<String, Object> config, List<TopicPartition> partitions) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long count = 0;
            long bytes = 0;
            // Only the partitions a poll returned are checked for their end (and every one after an empty poll):
            // asking each partition's position after every poll cost about a second over 1,024 partitions.
            Set<TopicPartition> remaining = new HashSet<>(partitions);
            remaining.removeIf(tp -> consumer.position(tp) >= end.get(tp));
            while (!remaining.isEmpty()) {
                ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(500));
                count += batch.count();
                for (var r : batch) {
                    bytes += r.value().length;  // touch the payload, as any reader would
                }
                for (TopicPartition tp : batch.isEmpty() ? Set.copyOf(remaining) : batch.partitions()) {
                    if (consumer.position(tp) >= end.get(tp)) {
                        remaining.remove(tp);
                    }
                }
            }
            return bytes >= 0 ? count : -1;
        }
    }
}
