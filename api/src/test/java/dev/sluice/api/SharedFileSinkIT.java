package dev.sluice.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sluice.connectors.testing.SharedKafkaBroker;
import dev.sluice.execution.fs.AtomicFileWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file sink directory written by several queries (or by one query run again with a new checkpoint) holds
 * every query's rows: a batch id taken by one query is not mistaken for a replay of another's.
 */
class SharedFileSinkIT extends KafkaSessionFixture {
    private static final Pattern ROW = Pattern.compile("\\{\"id\":(\\d+),\"name\":\"([^\"]*)\"}");
    private static final Pattern QUERY_ID = Pattern.compile("\"queryId\":\"([^\"]+)\"");

    @TempDir
    Path out;

    /** Every row produced to each topic, as the sink writes it: {@code <id>/<name>}. */
    private final Map<String, List<String>> produced = new TreeMap<>();

    @BeforeEach
    void setUp() {
        message("CREATE TABLE sink (id INT, name VARCHAR) WITH ('connector'='filesystem', 'path'='" + out
                + "', 'format'='json')");
        message("SET trigger = available-now");
        message("SET maxOffsetsPerTrigger = 200");  // 1,000 rows: batches 0-4, as in the report
    }

    /** A 3-partition topic of {@code n} rows (ids 0..n-1, names {@code <prefix><id>}), read as table {@code name}. */
    private void createSource(String name, String prefix, int n) {
        String topic = SharedKafkaBroker.createTopic(name.replace("_", "-"), 3);
        List<String> rows = new ArrayList<>();
        // One record at a time: a burst right after the topic is created can meet its leader not quite
        // ready, and the idempotent producer's retry then fails (OUT_OF_ORDER_SEQUENCE_NUMBER) on a busy machine.
        for (int id = 0; id < n; id++) {
            SharedKafkaBroker.produce(topic, id % 3, null, "{\"id\": " + id + ", \"name\": \"" + prefix + id + "\"}");
            rows.add(id + "/" + prefix + id);
        }
        produced.put(name, rows);
        message("CREATE TABLE " + name + " (id INT, name VARCHAR) WITH ('connector'='kafka', 'topic'='" + topic
                + "', 'format'='json')");
    }

    private StreamingQuery copy(String queryName, String table) throws InterruptedException {
        StreamingQuery q = runNamed(queryName, "INSERT INTO sink SELECT STREAM id, name FROM " + table);
        assertTrue(q.exception().isEmpty(), () -> "query " + queryName + " failed: " + q.exception());
        return q;
    }

    private static List<Long> batchIds(StreamingQuery q) {
        return q.recentProgress().stream().map(QueryProgress::batchId).toList();
    }

    /** How often each row occurs in the sink's committed files. */
    private Map<String, Integer> sinkRows() throws Exception {
        Map<String, Integer> counts = new TreeMap<>();
        for (String line : FileSinkContents.committedLines(out.toString())) {
            Matcher m = ROW.matcher(line);
            assertTrue(m.matches(), line);
            counts.merge(m.group(1) + "/" + m.group(2), 1, Integer::sum);
        }
        return counts;
    }

    /** The produced rows of {@code tables}, each {@code times} times. */
    private Map<String, Integer> expected(int times, String... tables) {
        Map<String, Integer> counts = new TreeMap<>();
        for (String table : tables) {
            produced.get(table).forEach(row -> counts.merge(row, times, Integer::sum));
        }
        return counts;
    }

    /** Fails with rows expected / found / missing / duplicated / unexpected (and a few of each) if they differ. */
    private static void assertSameRows(Map<String, Integer> expected, Map<String, Integer> found, String what) {
        if (expected.equals(found)) {
            return;
        }
        List<String> missing = new ArrayList<>();
        List<String> duplicated = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        expected.forEach((row, n) -> {
            int got = found.getOrDefault(row, 0);
            if (got < n) {
                missing.add(row + " x" + (n - got));
            } else if (got > n) {
                duplicated.add(row + " x" + (got - n));
            }
        });
        found.keySet().stream().filter(row -> !expected.containsKey(row)).forEach(unexpected::add);
        fail(what + ": expected " + total(expected) + " rows, found " + total(found) + "; missing " + missing.size()
                + " " + head(missing) + ", duplicated " + duplicated.size() + " " + head(duplicated) + ", unexpected "
                + unexpected.size() + " " + head(unexpected));
    }

    private static int total(Map<String, Integer> counts) {
        return counts.values().stream().mapToInt(Integer::intValue).sum();
    }

    private static List<String> head(List<String> rows) {
        return rows.subList(0, Math.min(5, rows.size()));
    }

    private String queryId(String queryName) throws Exception {
        String metadata = Files.readString(home.resolve("checkpoints").resolve(queryName).resolve("metadata"));
        Matcher m = QUERY_ID.matcher(metadata);
        assertTrue(m.find(), metadata);
        return m.group(1);
    }

    private List<String> dataFiles() throws Exception {
        try (Stream<Path> files = Files.list(out)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("part-")).sorted().toList();
        }
    }

    @Test
    void twoQueriesWritingOneDirectoryKeepEachOthersRows() throws Exception {
        createSource("clicks_a", "a", 1000);
        createSource("clicks_b", "b", 1000);
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L), batchIds(copy("copy_a", "clicks_a")));
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L), batchIds(copy("copy_b", "clicks_b")),
                "query b has its own batches 0-4");

        Map<String, Integer> expected = expected(1, "clicks_a", "clicks_b");
        assertEquals(2000, expected.size());
        assertSameRows(expected, sinkRows(), "every row of both queries, exactly once");
        // Read back through the filesystem source too: it lists the committed files of both queries.
        message("CREATE TABLE sunk (id INT, name VARCHAR) WITH ('connector'='filesystem', 'path'='" + out
                + "', 'format'='json')");
        Map<String, Integer> read = new TreeMap<>();
        rows("SELECT id, name FROM sunk").forEach(r -> read.merge(r.get(0) + "/" + r.get(1), 1, Integer::sum));
        assertSameRows(expected, read, "the rows read back through the filesystem source");

        String a = queryId("copy_a");
        String b = queryId("copy_b");
        assertNotEquals(a, b);
        assertTrue(dataFiles().contains("part-00000000000000000000-" + a + ".json"), dataFiles().toString());
        assertTrue(dataFiles().contains("part-00000000000000000000-" + b + ".json"), dataFiles().toString());

        // Restarted from their checkpoints, with nothing new to read, neither writes anything again.
        assertEquals(List.of(), batchIds(copy("copy_a", "clicks_a")));
        assertEquals(List.of(), batchIds(copy("copy_b", "clicks_b")));
        assertSameRows(expected, sinkRows(), "after restarts with nothing new");
    }

    @Test
    void aQueryRunAgainWithoutItsCheckpointWritesItsRowsAgainAsANewQuery() throws Exception {
        createSource("clicks_a", "a", 1000);
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L), batchIds(copy("copy", "clicks_a")));
        String first = queryId("copy");
        assertSameRows(expected(1, "clicks_a"), sinkRows(), "the first run's rows");

        // The user removes the checkpoint and runs the query again: a new query, which reads the topic again.
        deleteRecursively(home.resolve("checkpoints").resolve("copy"));
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L), batchIds(copy("copy", "clicks_a")));
        String second = queryId("copy");
        assertNotEquals(first, second, "a new checkpoint is a new query id");
        assertSameRows(expected(2, "clicks_a"), sinkRows(), "the directory holds the rows of both runs");
        assertEquals(10, dataFiles().size(), dataFiles().toString());
        assertEquals(5, dataFiles().stream().filter(n -> n.contains(second)).count(), dataFiles().toString());
    }

    @Test
    void aRestartDeletesTheTempFilesItsKilledRunLeftButNotAnotherQuerys() throws Exception {
        createSource("clicks_a", "a", 1000);
        copy("copy", "clicks_a");
        String id = queryId("copy");
        // A run killed (kill -9) while writing batch 5: its data file's temp file, then its manifest entry's.
        Path ownData = leftover(out.resolve("part-00000000000000000005-" + id + ".json"));
        Path ownEntry = leftover(out.resolve("_sluice_manifest").resolve("5-" + id));
        // Another query writing batch 5 into the same directory at the same time: its files are in flight.
        String other = UUID.randomUUID().toString();
        Path otherData = leftover(out.resolve("part-00000000000000000005-" + other + ".json"));
        Path otherEntry = leftover(out.resolve("_sluice_manifest").resolve("5-" + other));

        // Restart the same query (same checkpoint), with nothing new to read.
        assertEquals(List.of(), batchIds(copy("copy", "clicks_a")));
        assertFalse(Files.exists(ownData), "the killed run's temp data file is deleted");
        assertFalse(Files.exists(ownEntry), "the killed run's temp manifest entry is deleted");
        assertTrue(Files.exists(otherData), "another query's in-flight data file is kept");
        assertTrue(Files.exists(otherEntry), "another query's in-flight manifest entry is kept");
        assertSameRows(expected(1, "clicks_a"), sinkRows(), "the rows after the restart");
    }

    /** A half-written temp file of a write of {@code target}, named as {@link AtomicFileWriter} names it. */
    private static Path leftover(Path target) throws Exception {
        org.apache.hadoop.fs.Path tmp = AtomicFileWriter.tempFile(new org.apache.hadoop.fs.Path(target.toUri()));
        return Files.writeString(Path.of(tmp.toUri()), "{\"id\": 1, \"na");
    }

    private static void deleteRecursively(Path dir) throws Exception {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
