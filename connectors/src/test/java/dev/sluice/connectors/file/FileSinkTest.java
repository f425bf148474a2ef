package dev.sluice.connectors.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.execution.connector.ConnectorContext;
import dev.sluice.execution.connector.TableDescriptor;
import dev.sluice.execution.error.EngineException;
import dev.sluice.execution.sink.BatchWriter;
import dev.sluice.execution.sink.StreamSink;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.RowSchema;
import dev.sluice.execution.type.VectorValues;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSinkTest {
    private static final RowSchema SCHEMA = RowSchema.of(Column.of("id", ColumnType.BIGINT),
            Column.of("name", ColumnType.VARCHAR), Column.of("at", ColumnType.TIMESTAMP));

    @TempDir
    Path dir;

    private final BufferAllocator allocator = new RootAllocator();
    private final FileSystemConnector connector = new FileSystemConnector();

    @AfterEach
    void closeAllocator() {
        allocator.close();
    }

    private StreamSink sink(String format, String... extra) {
        return sinkOf("q", format, extra);
    }

    private StreamSink sinkOf(String queryId, String format, String... extra) {
        Map<String, String> options = new java.util.HashMap<>(Map.of("connector", "filesystem", "path", dir.toString(),
                "format", format));
        for (int i = 0; i < extra.length; i += 2) {
            options.put(extra[i], extra[i + 1]);
        }
        return connector.createSink(new TableDescriptor("out", SCHEMA, options),
                new ConnectorContext(Map.of(), queryId));
    }

    private void write(StreamSink sink, long batchId, List<Object>... rows) throws Exception {
        try (VectorSchemaRoot root = VectorValues.toBatch(SCHEMA, List.of(rows), allocator)) {
            sink.addBatch(batchId, SCHEMA, List.of(root));
        }
    }

    private List<String> committedLines() throws Exception {
        return committedLines(dir);
    }

    /** The lines of the files committed (listed in the manifest) in {@code dir}, in the readers' order. */
    static List<String> committedLines(Path dir) throws Exception {
        List<String> lines = new ArrayList<>();
        for (org.apache.hadoop.fs.Path file : FileSinkManifest.committedFiles(dir.toString())) {
            lines.addAll(Files.readAllLines(Path.of(file.toUri())));
        }
        return lines;
    }

    @Test
    @SuppressWarnings("unchecked")
    void jsonLinesPerBatchAndReplaysAreIgnored() throws Exception {
        StreamSink sink = sink("json");
        write(sink, 0, Arrays.asList(1L, "a", LocalDateTime.of(2024, 1, 2, 3, 4, 5)), Arrays.asList(2L, null, null));
        write(sink, 1, Arrays.asList(3L, "c\"q", null));
        write(sink, 1, Arrays.asList(99L, "replayed batch", null));
        assertEquals(List.of(
                "{\"id\":1,\"name\":\"a\",\"at\":\"2024-01-02 03:04:05.000\"}",
                "{\"id\":2,\"name\":null,\"at\":null}",
                "{\"id\":3,\"name\":\"c\\\"q\",\"at\":null}"), committedLines());
        assertTrue(Files.exists(dir.resolve("part-00000000000000000001-q.json")));
    }

    @Test
    @SuppressWarnings("unchecked")
    void csvWithHeaderQuotingAndNulls() throws Exception {
        StreamSink sink = sink("csv", "csv.header", "true");
        write(sink, 0, Arrays.asList(1L, "plain", null), Arrays.asList(2L, "with, comma \"and\" quotes", null));
        assertEquals(List.of("id,name,at", "1,plain,", "2,\"with, comma \"\"and\"\" quotes\","), committedLines());
    }

    @Test
    @SuppressWarnings("unchecked")
    void aDataFileWithoutManifestEntryIsRewritten() throws Exception {
        // A crash between the data file and the manifest leaves an uncommitted file behind.
        Files.writeString(dir.resolve("part-00000000000000000000-q.json"), "{\"id\":666}\n");
        assertEquals(List.of(), committedLines());
        write(sink("json"), 0, Arrays.asList(1L, "a", null));
        assertEquals(List.of("{\"id\":1,\"name\":\"a\",\"at\":null}"), committedLines());
    }

    @Test
    @SuppressWarnings("unchecked")
    void rowsWrittenAsTheyComeAreCommittedWholeOrNotAtAll() throws Exception {
        StreamSink sink = sink("json");
        assertTrue(sink.writesRowsAsTheyCome());
        try (VectorSchemaRoot a = VectorValues.toBatch(SCHEMA, List.of(Arrays.asList(1L, "a", null)), allocator);
             VectorSchemaRoot b = VectorValues.toBatch(SCHEMA, List.of(Arrays.asList(2L, "b", null)), allocator)) {
            try (BatchWriter failed = sink.openBatch(0, SCHEMA)) {
                failed.write(a);  // the batch then fails: closed without its commit
            }
            assertEquals(List.of(), committedLines());
            try (var files = Files.list(dir)) {
                assertEquals(List.of(), files.map(f -> f.getFileName().toString())
                        .filter(name -> !name.equals("_sluice_manifest")).toList(),
                        "no data file, not even a temp file, is left of the failed batch");
            }
            try (BatchWriter writer = sink.openBatch(0, SCHEMA)) {
                writer.write(a);
                writer.write(b);
                assertEquals(List.of(), committedLines(), "nothing is visible before the commit");
                writer.commit();
            }
            try (BatchWriter replay = sink.openBatch(0, SCHEMA)) {
                replay.write(b);  // a replay of a committed batch writes nothing
                replay.commit();
            }
        }
        assertEquals(List.of("{\"id\":1,\"name\":\"a\",\"at\":null}", "{\"id\":2,\"name\":\"b\",\"at\":null}"),
                committedLines());
    }

    @Test
    void emptyBatchIsRecordedWithoutDataFile() throws Exception {
        StreamSink sink = sink("json");
        sink.addBatch(0, SCHEMA, List.of());
        assertTrue(Files.exists(dir.resolve("_sluice_manifest").resolve("0-q")));
        assertEquals(List.of(), committedLines());
    }

    @Test
    @SuppressWarnings("unchecked")
    void queriesSharingADirectoryEachWriteTheirBatches() throws Exception {
        StreamSink a = sinkOf("query-a", "json");
        StreamSink b = sinkOf("query-b", "json");
        write(a, 0, Arrays.asList(1L, "a0", null));
        write(a, 1, Arrays.asList(2L, "a1", null));
        write(b, 0, Arrays.asList(10L, "b0", null));
        write(b, 1, Arrays.asList(11L, "b1", null));
        write(a, 1, Arrays.asList(99L, "replay of a", null));
        write(sinkOf("query-b", "json"), 1, Arrays.asList(99L, "replay of b after a restart", null));
        assertEquals(List.of(
                "{\"id\":1,\"name\":\"a0\",\"at\":null}",
                "{\"id\":10,\"name\":\"b0\",\"at\":null}",
                "{\"id\":2,\"name\":\"a1\",\"at\":null}",
                "{\"id\":11,\"name\":\"b1\",\"at\":null}"), committedLines());
        assertEquals("v2\nquery query-b\npart-00000000000000000001-query-b.json\n",
                Files.readString(dir.resolve("_sluice_manifest").resolve("1-query-b")));
    }

    @Test
    @SuppressWarnings("unchecked")
    void directoriesOfTheLayoutWithoutQueryIdsStayReadable() throws Exception {
        // As an earlier Sluice left it: _sluice_manifest/<batchId>, v1, and part-<batchId>.json.
        Files.createDirectories(dir.resolve("_sluice_manifest"));
        Files.writeString(dir.resolve("part-00000000000000000000.json"), "{\"id\":7}\n");
        Files.writeString(dir.resolve("_sluice_manifest").resolve("0"), "v1\npart-00000000000000000000.json\n");
        Files.writeString(dir.resolve("_sluice_manifest").resolve("1"), "v1\n");
        write(sink("json"), 0, Arrays.asList(1L, "new", null));
        assertEquals(List.of("{\"id\":7}", "{\"id\":1,\"name\":\"new\",\"at\":null}"), committedLines());
    }

    @Test
    void aGarbledManifestIsNamedWithoutItsBytes() throws Exception {
        write(sink("json"), 0);
        Files.write(dir.resolve("_sluice_manifest").resolve("0-q"), new byte[] {0x01, (byte) 0xff, 0x00, 'x'});
        EngineException e = assertThrows(EngineException.class, this::committedLines);
        assertTrue(e.getMessage().startsWith("Manifest file "), e.getMessage());
        assertTrue(e.getMessage().contains("_sluice_manifest/0-q does not start with the version line 'v2'"
                + " (found 4 characters that are not text: garbled?)"), e.getMessage());
        Files.writeString(dir.resolve("_sluice_manifest").resolve("0-q"), "v2\nquery other\n");
        e = assertThrows(EngineException.class, this::committedLines);
        assertTrue(e.getMessage().contains("should name query q on its second line (found 'query other')"),
                e.getMessage());
        Files.writeString(dir.resolve("_sluice_manifest").resolve("0-q"), "v2\nquery q\n");
        assertEquals(List.of(), committedLines());
        Files.writeString(dir.resolve("_sluice_manifest").resolve("notes.txt"), "mine");
        e = assertThrows(EngineException.class, this::committedLines);
        assertTrue(e.getMessage().contains("notes.txt, which is not a manifest entry"), e.getMessage());
    }

    @Test
    void openingASinkDeletesOnlyItsOwnQuerysLeftoverTempFiles() throws Exception {
        Path manifest = Files.createDirectories(dir.resolve("_sluice_manifest"));
        // What a run of query 'q' killed while writing batch 3 (data file, then manifest entry) leaves behind.
        Path ownData = leftover(dir.resolve("part-00000000000000000003-q.json"));
        Path ownEntry = leftover(manifest.resolve("3-q"));
        // Query 'q2' (whose id starts like q's) and a query of an earlier Sluice may still be writing these.
        Path otherData = leftover(dir.resolve("part-00000000000000000003-q2.json"));
        Path otherEntry = leftover(manifest.resolve("3-q2"));
        Path earlierLayout = leftover(dir.resolve("part-00000000000000000003.json"));
        Path userFile = Files.writeString(dir.resolve(".notes.tmp"), "not ours");

        sink("json");
        assertTrue(!Files.exists(ownData) && !Files.exists(ownEntry), "this query's leftovers are deleted");
        for (Path kept : List.of(otherData, otherEntry, earlierLayout, userFile)) {
            assertTrue(Files.exists(kept), kept + " is not this query's and is kept");
        }
        assertEquals(List.of(), committedLines());
    }

    /** A temp file of a write of {@code target}, half written, as a process killed during the write leaves it. */
    private static Path leftover(Path target) throws Exception {
        org.apache.hadoop.fs.Path tmp = dev.sluice.execution.fs.AtomicFileWriter.tempFile(
                new org.apache.hadoop.fs.Path(target.toUri()));
        return Files.writeString(Path.of(tmp.toUri()), "{\"id\":1,\"na");
    }

    @Test
    void optionsAreChecked() {
        EngineException e = assertThrows(EngineException.class, () -> connector.validate(
                new TableDescriptor("out", SCHEMA, Map.of("connector", "filesystem", "path", "/x", "format", "xml"))));
        assertEquals("Unsupported format 'xml' for table 'out' (option 'format'; supported: csv, json, kv, raw)",
                e.getMessage());
        e = assertThrows(EngineException.class, () -> connector.validate(
                new TableDescriptor("out", SCHEMA, Map.of("connector", "filesystem", "format", "json"))));
        assertEquals("Filesystem table 'out' needs the option 'path'", e.getMessage());
        EngineException unknown = assertThrows(EngineException.class, () -> connector.validate(new TableDescriptor("out",
                SCHEMA, Map.of("connector", "filesystem", "path", "/x", "format", "json", "pth", "y"))));
        assertTrue(unknown.getMessage().startsWith("Unknown option 'pth'"), unknown.getMessage());
    }
}
