package dev.sluice.api;

import dev.sluice.connectors.embedded.EmbeddedKafkaBroker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.hadoop.fs.FileUtil;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

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
 * nowhere. Then, when the Kafka broker's classes are on the class path (the shell, the server, the bench), it starts
 * an embedded broker and runs queries as users run them, each to its end: a filter into a topic through the
 * exactly-once sink, a count per partition and a windowed aggregate, over a topic of JSON records. So the archive
 * also holds what only a connected client and a running query load (the clients' requests and responses, the
 * source's fetches, transactions, the operators and the checkpoint's writes): a fresh JVM running the latency
 * bench's query loaded 791 classes that were not in the archive (from jars, or generated), 267 with these. The
 * training takes about 15 s instead of 7 and the archive is 90 MB instead of 65. Everything happens in a temporary
 * home, deleted at the end.
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
        // The clients a Kafka sink and a source's offset lookups make: made, never connected, closed at once.
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, nowhere,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
        producer.close(Duration.ZERO);
        Admin.create(Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, nowhere)).close(Duration.ZERO);
        if (brokerOnClassPath()) {
            try {
                trainAgainstABroker(home);
            } catch (Exception | LinkageError e) {
                // The archive then holds what the part above loaded; a first query loads the rest from the jars.
                System.err.println("Class data training against an embedded broker failed: " + e);
            }
        }
    }

    private static boolean brokerOnClassPath() {
        try {
            Class.forName("kafka.server.KafkaRaftServer", false, ClassDataTraining.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** Runs queries as users run them, each to its end, against an embedded broker. */
    private static void trainAgainstABroker(Path home) throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(home.resolve("kafka"))) {
            broker.createTopic("training_events", 2);
            broker.createTopic("training_filtered", 2);
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
                for (int i = 0; i < 2_000; i++) {
                    String value = "{\"ts\": " + (1_700_000_000_000L + i * 10L) + ", \"user_id\": " + i % 97
                            + ", \"page\": \"/p" + i % 7 + "\", \"amount\": " + (i % 100) + ".5, \"country\": \"DE\"}";
                    producer.send(new ProducerRecord<>("training_events", value.getBytes(StandardCharsets.UTF_8)));
                }
                producer.flush();
            }
            try (Sluice sluice = Sluice.builder().home(home.resolve("home-kafka")).bootstrapServers(broker.bootstrapServers())
                    .build()) {
                sluice.execute("CREATE TABLE events (ts BIGINT, user_id INT, page VARCHAR, amount DOUBLE, country VARCHAR) "
                        + "WITH ('connector'='kafka', 'topic'='training_events', 'format'='json', "
                        + "'scan.startup.mode'='earliest')");
                sluice.execute("CREATE TABLE events_t (ts TIMESTAMP(3), page VARCHAR, amount DOUBLE) WITH "
                        + "('connector'='kafka', 'topic'='training_events', 'format'='json', 'scan.startup.mode'='earliest')");
                sluice.execute("CREATE TABLE filtered (user_id INT, amount DOUBLE) WITH ('connector'='kafka', "
                        + "'topic'='training_filtered', 'format'='json')");
                sluice.execute("CREATE TABLE counts (p INT, n BIGINT) WITH ('connector'='memory')");
                sluice.execute("CREATE TABLE windows (w TIMESTAMP(3), page VARCHAR, n BIGINT, total DOUBLE) WITH "
                        + "('connector'='blackhole')");
                sluice.execute("SET trigger = available-now");
                runToItsEnd(sluice, "INSERT INTO filtered SELECT STREAM user_id, amount FROM events WHERE amount > 50");
                runToItsEnd(sluice, "INSERT INTO windows SELECT STREAM TUMBLE_END(ts, INTERVAL '10' SECOND), page, "
                        + "COUNT(*), SUM(amount) FROM events_t GROUP BY TUMBLE(ts, INTERVAL '10' SECOND), page");
                sluice.execute("SET outputMode = complete");
                runToItsEnd(sluice, "INSERT INTO counts SELECT STREAM \"partition\", COUNT(*) FROM events "
                        + "GROUP BY \"partition\"");
            }
        }
    }

    /** Runs an available-now query to its end; one that has not ended within a minute is stopped (never a hang). */
    private static void runToItsEnd(Sluice sluice, String insert) throws InterruptedException {
        StreamingQuery query = ((StatementResult.Query) sluice.execute(insert)).query();
        if (!query.awaitTermination(Duration.ofMinutes(1))) {
            query.stop();
            throw new IllegalStateException("Training query did not end within a minute: " + insert);
        }
    }
}
