package dev.sluice.connectors.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.connectors.testing.ChangeBatches;
import dev.sluice.execution.changelog.ChangeBatch;
import dev.sluice.execution.connector.ConnectorContext;
import dev.sluice.execution.connector.TableDescriptor;
import dev.sluice.execution.error.EngineException;
import dev.sluice.execution.sink.StreamSink;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.RowSchema;
import dev.sluice.execution.type.VectorValues;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file sink of a table with {@code 'sink.changelog'='true'}: rows led by their change, +I or -D. */
class FileChangelogSinkTest {
    private static final RowSchema SCHEMA = RowSchema.of(Column.of("id", ColumnType.BIGINT),
            Column.of("name", ColumnType.VARCHAR));

    @TempDir
    Path dir;

    private final BufferAllocator allocator = new RootAllocator();

    @AfterEach
    void closeAllocator() {
        allocator.close();
    }

    private TableDescriptor table(RowSchema schema, String... extra) {
        Map<String, String> options = new HashMap<>(Map.of("connector", "filesystem", "path", dir.toString()));
        for (int i = 0; i < extra.length; i += 2) {
            options.put(extra[i], extra[i + 1]);
        }
        return new TableDescriptor("changes", schema, options);
    }

    private StreamSink sink(String... options) {
        return new FileSystemConnector().createSink(table(SCHEMA, options), new ConnectorContext(Map.of(), "q"));
    }

    private ChangeBatch changes(List<List<Object>> rows, int... weights) {
        return ChangeBatches.of(SCHEMA, rows, allocator, weights);
    }

    private void write(StreamSink sink, long batchId, List<List<Object>> rows, int... weights) throws Exception {
        try (ChangeBatch batch = changes(rows, weights)) {
            sink.addChanges(batchId, SCHEMA, List.of(batch));
        }
    }

    private List<String> committedLines() throws Exception {
        return FileSinkTest.committedLines(dir);
    }

    @Test
    void jsonChangesLeadEachRowWithItsOpAndAReplayedBatchIsNotWrittenAgain() throws Exception {
        StreamSink sink = sink("format", "json", "sink.changelog", "true");
        assertTrue(sink.takesChanges());
        write(sink, 0, List.of(Arrays.asList(1L, "a"), Arrays.asList(2L, null)), 1, 2);
        write(sink, 1, List.of(Arrays.asList(1L, "a"), Arrays.asList(1L, "b")), -1, 1);
        write(sink("format", "json", "sink.changelog", "true"), 1, List.of(Arrays.asList(9L, "replay")), 1);
        try (VectorSchemaRoot root = VectorValues.toBatch(SCHEMA, List.of(Arrays.asList(3L, "c")), allocator)) {
            sink.addBatch(2, SCHEMA, List.of(root));  // an insert-only batch of a changelog table is +I too
        }
        assertEquals(List.of(
                "{\"op\":\"+I\",\"id\":1,\"name\":\"a\"}",
                "{\"op\":\"+I\",\"id\":2,\"name\":null}",
                "{\"op\":\"+I\",\"id\":2,\"name\":null}",
                "{\"op\":\"-D\",\"id\":1,\"name\":\"a\"}",
                "{\"op\":\"+I\",\"id\":1,\"name\":\"b\"}",
                "{\"op\":\"+I\",\"id\":3,\"name\":\"c\"}"), committedLines());
    }

    @Test
    void csvChangesHaveTheOpColumnFirstInTheHeaderAndEachRow() throws Exception {
        StreamSink sink = sink("format", "csv", "csv.header", "true", "sink.changelog", "true");
        write(sink, 0, List.of(Arrays.asList(1L, "x,y"), Arrays.asList(1L, "x,y")), 1, -1);
        assertEquals(List.of("op,id,name", "+I,1,\"x,y\"", "-D,1,\"x,y\""), committedLines());
    }

    @Test
    void withoutTheOptionChangesAreRefusedSayingWhichOptionToSet() throws Exception {
        StreamSink sink = sink("format", "json");
        assertFalse(sink.takesChanges());
        String how = sink.howToTakeChanges().orElseThrow();
        assertTrue(how.contains("'sink.changelog'='true'") && how.contains("table 'changes'"), how);
        assertThrows(UnsupportedOperationException.class,
                () -> write(sink, 0, List.of(Arrays.asList(1L, "a")), -1));
        assertEquals(List.of(), committedLines());
    }

    @Test
    void aChangelogTableCantHaveAColumnNamedOpNorANonBooleanOption() {
        RowSchema withOp = RowSchema.of(Column.of("OP", ColumnType.VARCHAR), Column.of("id", ColumnType.BIGINT));
        EngineException e = assertThrows(EngineException.class, () -> new FileSystemConnector()
                .validate(table(withOp, "format", "json", "sink.changelog", "true")));
        assertTrue(e.getMessage().contains("column named 'op'"), e.getMessage());
        new FileSystemConnector().validate(table(withOp, "format", "json"));  // reading changes back: fine
        e = assertThrows(EngineException.class, () -> new FileSystemConnector()
                .validate(table(SCHEMA, "format", "json", "sink.changelog", "yes")));
        assertEquals("Invalid value 'yes' for option 'sink.changelog' of table 'changes': expected true or false",
                e.getMessage());
    }
}
