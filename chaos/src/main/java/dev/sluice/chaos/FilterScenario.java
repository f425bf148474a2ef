package dev.sluice.chaos;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A stateless filter and projection ({@code SELECT STREAM id, k, v * 2 FROM input WHERE v % 5 <> 0}) from a
 * topic of 3 partitions into the file sink ({@code file}) or into a Kafka topic ({@code kafka}, read back with
 * {@code read_committed}). Every kept input row must reach the sink exactly once.
 */
final class FilterScenario implements Scenario {
    static final int PARTITIONS = 3;

    private final boolean kafka;
    private final String input;
    private final String output;
    private final Path sinkDir;
    private final long seed;

    FilterScenario(boolean kafka, String topicPrefix, Path dir, long seed) {
        requireNonNull(topicPrefix, "topicPrefix is null");
        this.kafka = kafka;
        this.input = topicPrefix + "-" + name() + "-input";
        this.output = topicPrefix + "-" + name() + "-output";
        this.sinkDir = requireNonNull(dir, "dir is null").resolve("sink");
        this.seed = seed;
    }

    @Override
    public String name() {
        return kafka ? "kafka" : "file";
    }

    @Override
    public Map<String, Integer> topics() {
        return kafka ? Map.of(input, PARTITIONS, output, PARTITIONS) : Map.of(input, PARTITIONS);
    }

    @Override
    public List<String> inputTopics() {
        return List.of(input);
    }

    @Override
    public String script(Path checkpointRoot) {
        String sink = kafka
                ? "'connector'='kafka', 'topic'=" + Scenario.quote(output) + ", 'format'='json'"
                : "'connector'='filesystem', 'path'=" + Scenario.quote(sinkDir) + ", 'format'='json'";
        return """
                SET checkpoint.root = %s;
                SET query.name = %s;
                SET trigger = '500 ms';
                CREATE TABLE IF NOT EXISTS input (id BIGINT, k VARCHAR, v BIGINT)
                  WITH ('connector'='kafka', 'topic'=%s, 'format'='json');
                CREATE TABLE IF NOT EXISTS output (id BIGINT, k VARCHAR, v2 BIGINT) WITH (%s);
                INSERT INTO output SELECT STREAM id, k, v * 2 FROM input WHERE v %% 5 <> 0;
                """.formatted(Scenario.quote(checkpointRoot), queryName(), Scenario.quote(input), sink);
    }

    @Override
    public List<ProducerRecord<String, String>> round(int round, int rows) {
        List<ProducerRecord<String, String>> records = new ArrayList<>(rows);
        for (long id = (long) round * rows; id < (long) (round + 1) * rows; id++) {
            String json = "{\"id\":" + id + ",\"k\":\"k" + RowHash.below(seed, id, 0, 7) + "\",\"v\":"
                    + RowHash.below(seed, id, 1, 1000) + "}";
            records.add(new ProducerRecord<>(input, (int) (id % PARTITIONS), null, json));
        }
        return records;
    }

    @Override
    public List<String> expected(List<ProducerRecord<String, String>> produced) {
        List<String> rows = new ArrayList<>();
        for (ProducerRecord<String, String> r : produced) {
            Map<String, String> in = JsonRow.parse(r.value());
            long v = Long.parseLong(in.get("v"));
            if (v % 5 != 0) {
                rows.add(in.get("id") + "|" + in.get("k") + "|" + (v * 2));
            }
        }
        return rows;
    }

    @Override
    public List<String> found(String bootstrapServers) throws IOException {
        List<String> json = kafka ? SinkOutput.kafkaTopic(bootstrapServers, output) : SinkOutput.fileSink(sinkDir);
        return json.stream().map(JsonRow::canonical).toList();
    }

    @Override
    public String notes() throws IOException {
        return kafka ? "" : SinkOutput.fileSinkNotes(sinkDir);
    }
}
