package dev.sluice.api;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.hadoop.fs.FileUtil;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.ByteBufferDeserializer;

/**
 * The training run of the {@code sluice} script's class data sharing archive: loads the classes a query's
 * start loads, then exits, so that the JVM (run with {@code -XX:ArchiveClassesAtExit}) writes them into an
 * archive that every later JVM of the same classpath maps instead of loading and verifying them again. In a
 * fresh JVM that loading is most of a first query's start-up (Calcite's planner, Hadoop's file system, the Kafka
 * clients, Arrow): measured in the bench, INSERT to the first batch 3.1-3.9 s without the archive and 1.2-1.5 s
 * with it, and a third less CPU (docs/benchmark.md).
 *
 * <p>It plans a continuous query and a windowed aggregate over Kafka tables (which are only validated: nothing
 * connects), runs a bounded aggregate over a JSON file, and makes (and closes) Kafka clients that connect
 * nowhere. Everything happens in a temporary home, deleted at the end.
 */
public final class ClassDataTraining {
    private ClassDataTraining() {
    }

    public static void main(String[] args) throws IOException {
        Path home = Files.createTempDirectory("sluice-class-data-training");
        try {
            train(home);
        } finally {
            FileUtil.fullyDelete(home.toFile());
        }
        System.exit(0);
    }

    private static void train(Path home) throws IOException {
        String nowhere = "127.0.0.1:1";
        try (Sluice sluice = Sluice.builder().home(home.resolve("home")).bootstrapServers(nowhere).build()) {
            sluice.execute("CREATE TABLE training_in (ts TIMESTAMP(3), user_id INT, page VARCHAR, amount DOUBLE, "
                    + "WATERMARK FOR ts AS ts - INTERVAL '5' SECOND) WITH ('connector'='kafka', 'topic'='in', "
                    + "'format'='json')");
            sluice.execute("CREATE TABLE training_out (user_id INT, amount DOUBLE) WITH ('connector'='kafka', "
                    + "'topic'='out', 'format'='json')");
            sluice.execute("EXPLAIN INSERT INTO training_out SELECT STREAM user_id, amount FROM training_in "
                    + "WHERE amount > 50");
            sluice.execute("EXPLAIN SELECT STREAM TUMBLE_END(ts, INTERVAL '10' SECOND), page, COUNT(*), SUM(amount) "
                    + "FROM training_in GROUP BY TUMBLE(ts, INTERVAL '10' SECOND), page");
            Path data = Files.createDirectories(home.resolve("data"));
            Files.writeString(data.resolve("part-0.json"), "{\"ts\": 1700000000000, \"user_id\": 1, \"page\": \"/a\", "
                    + "\"amount\": 50.5}\n{\"ts\": 1700000001000, \"user_id\": 2, \"page\": \"/b\", \"amount\": 7}\n",
                    StandardCharsets.UTF_8);
            sluice.execute("CREATE TABLE training_files (ts BIGINT, user_id INT, page VARCHAR, amount DOUBLE) WITH "
                    + "('connector'='filesystem', 'path'='" + data.toUri() + "', 'format'='json')");
            sluice.sql("SELECT page, COUNT(*), SUM(amount) FROM training_files WHERE amount > 1 GROUP BY page")
                    .collect();
        }
        // The clients a Kafka source and sink make: made, never connected, closed at once.
        KafkaConsumer<ByteBuffer, ByteBuffer> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, nowhere,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteBufferDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteBufferDeserializer.class));
        consumer.close(Duration.ZERO);
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, nowhere,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
        producer.close(Duration.ZERO);
        Admin.create(Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, nowhere)).close(Duration.ZERO);
    }
}
