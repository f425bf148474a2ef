package dev.sluice.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.connectors.testing.SharedKafkaBroker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A table's error policy gives the same rows (or the same error) whatever columns a query reads: a query
 * that reads no value column (COUNT(*), metadata columns only) sees exactly the malformed records a query
 * reading every column sees. Checked against the records as written, not against another query.
 */
class MalformedRecordConsistencyIT extends KafkaSessionFixture {
    /** The records written, in offset order. */
    private static final List<Written> RECORDS = List.of(
            new Written("{\"seq\": 0, \"name\": \"a\"}", row(0L, "a")),
            new Written("{\"seq\": 1, \"name\": \"b\"}", row(1L, "b")),
            // Its name is fine: only a query reading seq used to see that it is malformed.
            new Written("{\"seq\": \"two\", \"name\": \"c\"}", null),
            new Written("{\"seq\": 3, \"name\": \"d\"}", row(3L, "d")),
            new Written("{\"seq\": 4, \"name\": ", null),
            new Written("{\"seq\": 5}", row(5L, null)));

    /** Queries that read every column, some, or none; {@code %s} is the table. */
    private static final List<String> QUERIES = List.of(
            "SELECT COUNT(*) FROM %s",
            "SELECT COUNT(seq) FROM %s",
            "SELECT \"offset\" FROM %s",
            "SELECT \"offset\", \"key\", \"partition\" FROM %s",
            "SELECT \"offset\", seq FROM %s",
            "SELECT name FROM %s",
            "SELECT \"offset\", seq, name FROM %s");

    private String topic;

    /** A record value and the row (seq, name) it decodes to, or null if it is malformed. */
    private record Written(String value, List<Object> row) {
    }

    @BeforeEach
    void writeRecords() {
        topic = SharedKafkaBroker.createTopic("consistency", 1);
        SharedKafkaBroker.produceValues(topic, 0, RECORDS.stream().map(Written::value).toArray(String[]::new));
    }

    private void createTable(String extraOptions) {
        message("CREATE TABLE records (seq BIGINT, name VARCHAR) WITH ('connector'='kafka', 'topic'='" + topic
                + "', 'format'='json'" + extraOptions + ")");
    }

    @Test
    void underFailEveryQueryFailsAtTheFirstMalformedRecordWithTheSameError() {
        createTable("");
        String expected = "Malformed record in table 'records' at " + topic + "-0 offset 2: column 'seq' (BIGINT): "
                + "expected an integer, found string \"two\"";
        for (String query : QUERIES) {
            SluiceException e = assertThrows(SluiceException.class, () -> sluice.execute(query.formatted("records")),
                    query);
            assertTrue(e.getMessage().contains(expected), query + ": " + e.getMessage());
        }
    }

    @Test
    void underFailAMetadataOnlyInsertWritesNothing() throws InterruptedException {
        createTable("");
        message("CREATE TABLE offsets (off BIGINT) WITH ('connector'='memory')");
        message("SET trigger = available-now");
        StreamingQuery q = runNamed("metadata_only", "INSERT INTO offsets SELECT STREAM \"offset\" AS off FROM records");
        assertTrue(q.exception().isPresent(), "the query failed");
        assertTrue(q.exception().get().getMessage().contains(topic + "-0 offset 2"), q.exception().get().getMessage());
        assertTrue(q.lastProgress().isEmpty(), "no batch was committed");
        assertEquals(List.of(), rows("SELECT off FROM offsets"));
    }

    @Test
    void underSkipEveryQueryGivesTheRowsOfTheGoodRecords() throws InterruptedException {
        createTable(", 'on-error'='skip'");
        assertGoodRows();
        assertMetadataOnlyInsertWritesTheGoodOffsets();
    }

    @Test
    void underDeadLetterEveryQueryGivesTheGoodRowsAndDeadLettersTheOthers() throws InterruptedException {
        String dlq = SharedKafkaBroker.createTopic("consistency-dlq", 1);
        createTable(", 'on-error'='dead-letter', 'dead-letter.topic'='" + dlq + "'");
        assertGoodRows();
        assertMetadataOnlyInsertWritesTheGoodOffsets();
        // Every query, whatever it read, sent the same malformed records.
        List<String> malformedValues = RECORDS.stream().filter(r -> r.row() == null).map(Written::value).toList();
        List<ConsumerRecord<String, String>> dead = SharedKafkaBroker.readAll(dlq);
        List<String> expected = new ArrayList<>();
        for (int run = 0; run < QUERIES.size() + 1; run++) {
            expected.addAll(malformedValues);
        }
        assertEquals(expected, dead.stream().map(ConsumerRecord::value).toList());
    }

    @Test
    void aRawTableReadsEveryRecordUndecodedAndForwardsItAsItIs() throws Exception {
        message("CREATE TABLE raw_records (payload VARCHAR) WITH ('connector'='kafka', 'topic'='" + topic
                + "', 'format'='raw')");
        assertEquals(List.of(row((long) RECORDS.size())), rows("SELECT COUNT(*) FROM raw_records"));
        List<List<Object>> expected = new ArrayList<>();
        for (int offset = 0; offset < RECORDS.size(); offset++) {
            expected.add(row((long) offset, RECORDS.get(offset).value()));
        }
        assertEquals(expected, rows("SELECT \"offset\", payload FROM raw_records"));
        String copy = SharedKafkaBroker.createTopic("consistency-raw-copy", 1);
        message("CREATE TABLE raw_copy (payload VARCHAR) WITH ('connector'='kafka', 'topic'='" + copy
                + "', 'format'='raw')");
        message("SET trigger = available-now");
        StreamingQuery q = runNamed("raw_forward", "INSERT INTO raw_copy SELECT STREAM payload FROM raw_records");
        assertTrue(q.exception().isEmpty(), () -> q.exception().get().getMessage());
        assertEquals(RECORDS.stream().map(Written::value).toList(),
                SharedKafkaBroker.readAll(copy, true).stream().map(ConsumerRecord::value).toList());
    }

    @Test
    void aFileTableFailsEveryQueryAtTheSameRecord() throws IOException {
        for (String format : List.of("json", "csv")) {
            Path dir = Files.createDirectory(home.resolve("files-" + format));
            List<String> lines = format.equals("json")
                    ? List.of("{\"seq\": 0, \"name\": \"a\"}", "{\"seq\": \"one\", \"name\": \"b\"}", "{\"seq\": 2}")
                    : List.of("0,a", "one,b", "2,");
            Files.write(dir.resolve("part-0." + format), lines);
            String table = "file_" + format;
            message("CREATE TABLE " + table + " (seq BIGINT, name VARCHAR) WITH ('connector'='filesystem', 'path'='"
                    + dir + "', 'format'='" + format + "')");
            List<String> messages = new ArrayList<>();
            for (String query : List.of("SELECT COUNT(*) FROM %s", "SELECT name FROM %s", "SELECT seq, name FROM %s")) {
                SluiceException e = assertThrows(SluiceException.class, () -> sluice.execute(query.formatted(table)),
                        query + " over " + format);
                assertTrue(e.getMessage().contains("table '" + table + "'"), e.getMessage());
                assertTrue(e.getMessage().contains("line 2)"), e.getMessage());
                assertTrue(e.getMessage().contains("'seq'"), e.getMessage());
                messages.add(e.getMessage());
            }
            assertEquals(1, messages.stream().distinct().count(), "the same error for every query: " + messages);
        }
    }

    /** Each query's rows are those of the records as written, less the malformed ones. */
    private void assertGoodRows() {
        List<Long> offsets = new ArrayList<>();
        List<List<Object>> values = new ArrayList<>();
        for (int offset = 0; offset < RECORDS.size(); offset++) {
            if (RECORDS.get(offset).row() != null) {
                offsets.add((long) offset);
                values.add(RECORDS.get(offset).row());
            }
        }
        Map<String, List<List<Object>>> expected = Map.of(
                "SELECT COUNT(*) FROM %s", List.of(row((long) offsets.size())),
                "SELECT COUNT(seq) FROM %s", List.of(row(values.stream().filter(v -> v.get(0) != null).count())),
                "SELECT \"offset\" FROM %s", map(offsets, o -> row(o)),
                "SELECT \"offset\", \"key\", \"partition\" FROM %s", map(offsets, o -> row(o, null, 0)),
                "SELECT \"offset\", seq FROM %s", map(offsets, o -> row(o, RECORDS.get(o.intValue()).row().get(0))),
                "SELECT name FROM %s", map(values, v -> row(v.get(1))),
                "SELECT \"offset\", seq, name FROM %s", map(offsets, o -> row(o, RECORDS.get(o.intValue()).row().get(0),
                        RECORDS.get(o.intValue()).row().get(1))));
        assertEquals(QUERIES.size(), expected.size());
        for (String query : QUERIES) {
            assertEquals(expected.get(query), rows(query.formatted("records")), query);
        }
    }

    private void assertMetadataOnlyInsertWritesTheGoodOffsets() throws InterruptedException {
        message("CREATE TABLE offsets (off BIGINT) WITH ('connector'='memory')");
        message("SET trigger = available-now");
        StreamingQuery q = runNamed("metadata_only", "INSERT INTO offsets SELECT STREAM \"offset\" AS off FROM records");
        assertTrue(q.exception().isEmpty(), () -> "the query failed: " + q.exception().get());
        long malformed = RECORDS.stream().filter(r -> r.row() == null).count();
        List<List<Object>> expected = new ArrayList<>();
        for (int offset = 0; offset < RECORDS.size(); offset++) {
            if (RECORDS.get(offset).row() != null) {
                expected.add(row((long) offset));
            }
        }
        assertEquals(expected, rows("SELECT off FROM offsets"));
        assertEquals(malformed, q.lastProgress().orElseThrow().malformedRows());
    }

    private static <T> List<List<Object>> map(List<T> items, Function<T, List<Object>> f) {
        return items.stream().map(f).toList();
    }
}
