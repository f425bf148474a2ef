package dev.sluice.connectors.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.execution.connector.ConnectorContext;
import dev.sluice.execution.connector.TableDescriptor;
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
        Map<String, String> options = new java.util.HashMap<>(Map.of("connector", "filesystem", "path", dir.toString(),
                "format", format));
        for (int i = 0; i < extra.length; i += 2) {
            options.put(extra[i], extra[i + 1]);
        }
        return connector.createSink(new TableDescriptor("out", SCHEMA, options), new ConnectorContext(Map.of(), "q"));
    }

    private void write(StreamSink sink, long batchId, List<Object>... rows) throws Exception {
        try (VectorSchemaRoot root = VectorValues.toBatch(SCHEMA, List.of(rows), allocator)) {
            sink.addBatch(batchId, SCHEMA, List.of(root));
        }
    }

    private List<String> committedLines() throws Exception {
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
        assertTrue(Files.exists(dir.resolve("part-00000000000000000001.json")));
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
        Files.writeString(dir.resolve("part-00000000000000000000.json"), "{\"id\":666}\n");
        assertEquals(List.of(), committedLines());
        write(sink("json"), 0, Arrays.asList(1L, "a", null));
        assertEquals(List.of("{\"id\":1,\"name\":\"a\",\"at\":null}"), committedLines());
    }

    @Test
    void emptyBatchIsRecordedWithoutDataFile() throws Exception {
        StreamSink sink = sink("json");
        sink.addBatch(0, SCHEMA, List.of());
        assertTrue(Files.exists(dir.resolve("_sluice_manifest").resolve("0")));
        assertEquals(List.of(), committedLines());
    }

    @Test
    void optionsAreChecked() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> connector.validate(
                new TableDescriptor("out", SCHEMA, Map.of("connector", "filesystem", "path", "/x", "format", "xml"))));
        assertEquals("Unsupported format 'xml' for filesystem table 'out' (supported: json, csv)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> connector.validate(
                new TableDescriptor("out", SCHEMA, Map.of("connector", "filesystem", "format", "json"))));
        assertEquals("Filesystem table 'out' needs the option 'path'", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> connector.validate(new TableDescriptor("out", SCHEMA,
                Map.of("connector", "filesystem", "path", "/x", "format", "json", "pth", "y"))));
        assertTrue(e.getMessage().startsWith("Unknown option 'pth'"), e.getMessage());
    }
}
