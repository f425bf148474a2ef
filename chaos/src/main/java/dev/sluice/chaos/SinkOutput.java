package dev.sluice.chaos;

import dev.sluice.connectors.file.FileSinkManifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads what a sink holds as a reader downstream of Sluice would: the committed rows, one JSON text each. */
final class SinkOutput {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private SinkOutput() {
    }

    /** The lines of the files the file sink in {@code dir} committed (those its manifest lists), in batch order. */
    static List<String> fileSink(Path dir) throws IOException {
        List<String> lines = new ArrayList<>();
        for (org.apache.hadoop.fs.Path file : FileSinkManifest.committedFiles(dir.toString())) {
            lines.addAll(Files.readAllLines(Path.of(file.toUri())));
        }
        return lines;
    }

    /**
     * How many files of the file sink's directory no manifest lists: left by killed runs (readers ignore them, so
     * they are no difference; they only take space).
     */
    static String fileSinkNotes(Path dir) throws IOException {
        Set<String> committed = FileSinkManifest.committedFiles(dir.toString()).stream()
                .map(org.apache.hadoop.fs.Path::getName).collect(Collectors.toSet());
        try (Stream<Path> files = Files.list(dir)) {
            long left = files.filter(Files::isRegularFile).map(p -> p.getFileName().toString())
                    .filter(name -> !committed.contains(name) && !name.endsWith(".crc")).count();
            return left + " file(s) in the sink directory that no manifest lists";
        }
    }

    /**
     * Every value of {@code topic} a consumer with {@code isolation.level=read_committed} sees, from the start
     * up to the end offsets at the time of the call: records of aborted or open transactions are left out.
     */
    static List<String> kafkaTopic(String bootstrapServers, String topic) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.CLIENT_ID_CONFIG, "sluice-chaos-verifier"),
                new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, TIMEOUT).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .sorted(Comparator.comparingInt(TopicPartition::partition)).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            // Under read_committed these are the last stable offsets: nothing past an open transaction.
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, TIMEOUT);
            List<String> values = new ArrayList<>();
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp, TIMEOUT) < ends.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Timed out reading topic " + topic + " up to " + ends);
                }
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.offset() < ends.get(new TopicPartition(r.topic(), r.partition()))) {
                        values.add(r.value());
                    }
                }
            }
            return values;
        }
    }
}
