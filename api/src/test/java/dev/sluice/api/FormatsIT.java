package dev.sluice.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.connectors.testing.SharedKafkaBroker;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * The same formats through SQL on Kafka tables: a JSON topic copied into a CSV topic by a continuous query and
 * read back, the CSV records counted and inspected by a raw table over the same topic.
 */
class FormatsIT extends KafkaSessionFixture {
    @Test
    void aJsonTopicCopiedIntoACsvTopicReadsBackTheSameRowsAndARawTableSeesTheLines() throws Exception {
        String in = SharedKafkaBroker.createTopic("fmt-json", 2);
        String out = SharedKafkaBroker.createTopic("fmt-csv", 1);
        Random random = new Random(83);
        List<List<Object>> expected = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            String name = random.nextInt(5) == 0 ? null : "n;" + i + (i % 3 == 0 ? ",\"q\"" : "");
            double amount = random.nextInt(10_000) / 100.0;
            SharedKafkaBroker.produce(in, i % 2, null, "{\"id\": " + i + ", \"name\": "
                    + (name == null ? "null" : "\"" + name.replace("\"", "\\\"") + "\"") + ", \"amount\": " + amount + "}");
            expected.add(row((long) i, name, amount));
        }
        message("CREATE TABLE src (id BIGINT, name VARCHAR, amount DOUBLE) WITH ('connector'='kafka', 'topic'='" + in
                + "', 'format'='json')");
        message("CREATE TABLE dst (id BIGINT, name VARCHAR, amount DOUBLE) WITH ('connector'='kafka', 'topic'='" + out
                + "', 'format'='csv', 'csv.field-delimiter'=';', 'properties.isolation.level'='read_committed')");
        message("CREATE TABLE dst_lines (line VARCHAR) WITH ('connector'='kafka', 'topic'='" + out
                + "', 'format'='raw', 'properties.isolation.level'='read_committed')");
        message("SET trigger = available-now");
        StreamingQuery q = runNamed("json_to_csv", "INSERT INTO dst SELECT STREAM * FROM src");
        assertTrue(q.exception().isEmpty(), () -> q.exception().get().getMessage());

        assertEquals(SqlQueryIT.sorted(expected), SqlQueryIT.sorted(rows("SELECT * FROM dst")));
        assertEquals(List.of(row(50L)), rows("SELECT COUNT(*) FROM dst_lines"));
        List<String> lines = SharedKafkaBroker.readAll(out, true).stream().map(ConsumerRecord::value).toList();
        assertEquals(lines.stream().sorted().toList(), rows("SELECT line FROM dst_lines").stream()
                .map(r -> (String) r.get(0)).sorted().toList());
        assertTrue(lines.stream().allMatch(l -> l.chars().filter(c -> c == ';').count() >= 2), "';'-delimited: " + lines);
    }
}
