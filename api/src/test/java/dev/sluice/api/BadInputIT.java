package dev.sluice.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.connectors.testing.SharedKafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Bad input gets a clear error naming the thing at fault, and no record is skipped without being counted. */
class BadInputIT extends KafkaSessionFixture {
    private String topic;

    @BeforeEach
    void setUp() {
        topic = SharedKafkaBroker.createTopic("bad", 1);
        SharedKafkaBroker.produceValues(topic, 0,
                "{\"id\": 1, \"name\": \"ok\"}",
                "{\"id\": 2, \"name\": ",
                "{\"id\": 3, \"name\": \"fine\"}",
                "{\"id\": \"four\", \"name\": \"typed wrong\"}",
                "{\"id\": 5}");
    }

    private void createTable(String name, String extraOptions) {
        message("CREATE TABLE " + name + " (id BIGINT, name VARCHAR) WITH ('connector'='kafka', 'topic'='"
                + topic + "', 'format'='json'" + extraOptions + ")");
    }

    @Test
    void malformedJsonFailsABoundedQueryNamingTableTopicPartitionAndOffset() {
        createTable("records", "");
        SluiceException e = assertThrows(SluiceException.class, () -> sluice.execute("SELECT id FROM records"));
        assertTrue(e.getMessage().contains("table 'records'"), e.getMessage());
        assertTrue(e.getMessage().contains(topic + "-0 offset 1"), e.getMessage());
    }

    @Test
    void malformedRecordStopsAContinuousQueryWithTheReason() throws InterruptedException {
        createTable("records", "");
        message("SET trigger = available-now");
        StreamingQuery q = ((StatementResult.Query) sluice.execute("SELECT STREAM id FROM records", b -> { }))
                .query();
        SluiceException e = assertThrows(SluiceException.class, () -> q.awaitTermination(Duration.ofSeconds(60)));
        assertTrue(e.getMessage().contains(topic + "-0 offset 1"), e.getMessage());
        assertTrue(q.exception().isPresent());
        assertTrue(q.lastProgress().isEmpty(), "the failed batch was not committed");
    }

    @Test
    void typeMismatchNamesTheColumn() {
        topic = SharedKafkaBroker.createTopic("typed", 1);
        SharedKafkaBroker.produceValues(topic, 0, "{\"id\": 1}", "{\"id\": \"four\"}");
        createTable("records", "");
        SluiceException e = assertThrows(SluiceException.class, () -> sluice.execute("SELECT id FROM records"));
        assertTrue(e.getMessage().contains(topic + "-0 offset 1"), e.getMessage());
        assertTrue(e.getMessage().contains("'id'"), e.getMessage());
    }

    @Test
    void skipPolicyKeepsGoodRowsAndCountsTheOthers() throws InterruptedException {
        createTable("records", ", 'on-error'='skip'");
        assertEquals(List.of(row(1L, "ok"), row(3L, "fine"), row(5L, null)), rows("SELECT id, name FROM records"));
        message("SET trigger = available-now");
        List<List<Object>> streamed = new ArrayList<>();
        StreamingQuery q = runToEnd("SELECT STREAM id FROM records", b -> streamed.addAll(b.rows()));
        assertEquals(List.of(row(1L), row(3L), row(5L)), streamed);
        QueryProgress p = q.lastProgress().orElseThrow();
        assertEquals(2, p.malformedRows());
        assertEquals(5, p.inputRows());
    }

    @Test
    void deadLetterPolicySendsBadRecordsToTheirTopic() throws InterruptedException {
        String dlq = SharedKafkaBroker.createTopic("dlq", 1);
        createTable("records", ", 'on-error'='dead-letter', 'dead-letter.topic'='" + dlq + "'");
        assertEquals(List.of(row(1L), row(3L), row(5L)), rows("SELECT id FROM records"));
        List<ConsumerRecord<String, String>> dead = SharedKafkaBroker.readAll(dlq);
        assertEquals(List.of("{\"id\": 2, \"name\": ", "{\"id\": \"four\", \"name\": \"typed wrong\"}"),
                dead.stream().map(ConsumerRecord::value).toList());
        assertEquals("1", SharedKafkaBroker.header(dead.get(0), "sluice.offset"));
    }

    @Test
    void truncatedOrGarbledCheckpointFilesAreNamedWithTheProblemNotTheirBytes() throws Exception {
        createTable("records", ", 'on-error'='skip'");
        message("CREATE TABLE copied (id BIGINT) WITH ('connector'='memory')");
        message("SET trigger = available-now");
        String sql = "INSERT INTO copied SELECT STREAM id FROM records";
        assertTrue(runNamed("copier", sql).exception().isEmpty());
        Path checkpoint = home.resolve("checkpoints").resolve("copier");
        Path offsets = checkpoint.resolve("offsets").resolve("0");
        Path commit = checkpoint.resolve("commits").resolve("0");
        byte[] offsetsBytes = Files.readAllBytes(offsets);
        byte[] commitBytes = Files.readAllBytes(commit);

        // A file cut short (a copy interrupted, a disk full).
        Files.write(offsets, Arrays.copyOf(offsetsBytes, offsetsBytes.length / 2));
        String error = runNamed("copier", sql).exception().orElseThrow().getMessage();
        assertTrue(error.matches("Checkpoint file \\S+/checkpoints/copier/offsets/0 is not valid JSON: it ends in the"
                + " middle of a value at line 2, column \\d+ \\(truncated\\?\\)"), error);
        Files.write(offsets, offsetsBytes);

        // A file overwritten with 300 bytes of garbage.
        byte[] garbage = new byte[300];
        new Random(42).nextBytes(garbage);
        garbage[0] = 'x';
        Files.write(commit, garbage);
        error = runNamed("copier", sql).exception().orElseThrow().getMessage();
        assertTrue(error.matches("Checkpoint file \\S+/checkpoints/copier/commits/0 does not start with the version"
                + " line 'v1': its first line is \\d+ characters, not all of them text \\(garbled, or not a checkpoint"
                + " file\\?\\)"), error);
        // Valid JSON of the wrong shape names the field.
        Files.writeString(commit, "v1\n{\"batchId\": 0, \"timestampMillis\": \"yesterday\", \"outputRows\": 3}\n");
        error = runNamed("copier", sql).exception().orElseThrow().getMessage();
        assertTrue(error.endsWith("commits/0 is JSON but not a valid CommitRecord (field 'timestampMillis') at line 2,"
                + " column 35: expected a long there"), error);
        Files.write(commit, commitBytes);

        // Repaired, the query resumes after batch 0: nothing new to read.
        StreamingQuery repaired = runNamed("copier", sql);
        assertTrue(repaired.exception().isEmpty(), () -> repaired.exception().toString());
        assertTrue(repaired.recentProgress().isEmpty());
    }

    @Test
    void sqlErrorsNameTheObjectAndPosition() {
        createTable("records", "");
        assertMessage("SELECT * FROM nope", "line 1, column 15", "nope");
        assertMessage("SELECT idd FROM records", "line 1, column 8", "Column 'idd' not found");
        assertMessage("SELECT FOO(id) FROM records", "FOO");
        assertMessage("SELEC id FROM records", "Syntax error", "line 1, column 1");
        assertMessage("SELECT STREAM id FROM records LIMIT 1", "LIMIT");
        assertMessage("INSERT INTO records SELECT id, name FROM records", "SELECT STREAM");
        assertMessage("DROP TABLE nope", "Table 'nope' does not exist");
    }

    @Test
    void missingTopicIsNamed() {
        message("CREATE TABLE ghost (id BIGINT) WITH ('connector'='kafka', 'topic'='no-such-topic', 'format'='json')");
        assertMessage("SELECT id FROM ghost", "no-such-topic", "does not exist");
    }

    @Test
    void unreachableBrokerIsNamed() {
        message("CREATE TABLE far (id BIGINT) WITH ('connector'='kafka', 'topic'='t', 'format'='json', "
                + "'bootstrap.servers'='127.0.0.1:1')");
        assertMessage("SELECT id FROM far", "127.0.0.1:1");
    }

    @Test
    void invalidOptionsAreNamed() {
        assertMessage("CREATE TABLE t1 (id BIGINT) WITH ('connector'='kafka', 'topic'='x', 'format'='json', "
                + "'scan.startup.mode'='sometimes')", "scan.startup.mode", "sometimes");
        assertMessage("CREATE TABLE t2 (id BIGINT) WITH ('connector'='kafka', 'topc'='x', 'format'='json')", "topc");
        assertMessage("CREATE TABLE t3 (id BIGINT) WITH ('connector'='kafka', 'topic'='x', 'format'='xml')", "xml");
        assertMessage("CREATE TABLE t4 (id BIGINT) WITH ('connector'='nosuch')", "nosuch");
        assertMessage("SET trigger = sometimes", "sometimes");
        assertEquals(List.of(), rows("SHOW TABLES"));
    }

    private void assertMessage(String sql, String... fragments) {
        SluiceException e = assertThrows(SluiceException.class, () -> sluice.execute(sql));
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "'" + e.getMessage() + "' should contain '" + f + "'");
        }
    }
}
