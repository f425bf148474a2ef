package dev.sluice.connectors.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sluice.execution.error.EngineException;
import dev.sluice.connectors.file.FileSystemConnector;
import dev.sluice.connectors.kafka.KafkaConnector;
import dev.sluice.connectors.testing.SharedKafkaBroker;
import dev.sluice.execution.connector.ConnectorContext;
import dev.sluice.execution.connector.TableDescriptor;
import dev.sluice.execution.sink.StreamSink;
import dev.sluice.execution.source.OffsetRange;
import dev.sluice.execution.source.PartitionReader;
import dev.sluice.execution.source.ScanSpec;
import dev.sluice.execution.source.SourcePartition;
import dev.sluice.execution.source.StreamSource;
import dev.sluice.execution.testing.ArrowTestBase;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.RowSchema;
import dev.sluice.execution.type.VectorValues;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A format added from outside (the test-only {@link KeyValueFormatFactory}, found through ServiceLoader) works for
 * Kafka tables and file tables alike, options and malformed records included, with nothing else changed.
 */
class AddedFormatIT extends ArrowTestBase {
    private static final RowSchema SCHEMA = RowSchema.of(Column.of("id", ColumnType.BIGINT),
            Column.of("name", ColumnType.VARCHAR), Column.of("amount", ColumnType.DOUBLE));
    private static final ConnectorContext CONTEXT = new ConnectorContext(Map.of(), "added-format");
    private static final List<List<Object>> ROWS = List.of(Arrays.asList(1L, "ann", 1.5), Arrays.asList(2L, null, 2.5),
            Arrays.asList(3L, "bo b", null));

    @TempDir
    Path dir;

    private static TableDescriptor table(String... options) {
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i + 1 < options.length; i += 2) {
            map.put(options[i], options[i + 1]);
        }
        return new TableDescriptor("kv_table", SCHEMA, map);
    }

    private List<List<Object>> writeAndRead(dev.sluice.execution.connector.Connector connector, TableDescriptor table,
                                            List<List<Object>> rows) throws Exception {
        try (StreamSink sink = connector.createSink(table, CONTEXT);
                VectorSchemaRoot batch = VectorValues.toBatch(SCHEMA, rows, allocator)) {
            sink.addBatch(0, SCHEMA, List.of(batch));
        }
        List<List<Object>> read = new ArrayList<>();
        try (StreamSource source = connector.createSource(table, CONTEXT)) {
            // A committed Kafka transaction may reach the partition's end offset a moment later: wait for the rows.
            Map<SourcePartition, Long> latest = source.latestOffsets();
            for (long deadline = System.nanoTime() + 30_000_000_000L; latest.values().stream()
                    .mapToLong(Long::longValue).sum() < rows.size() && System.nanoTime() < deadline; ) {
                Thread.sleep(50);
                latest = source.latestOffsets();
            }
            for (Map.Entry<SourcePartition, Long> e : latest.entrySet()) {
                ScanSpec spec = new ScanSpec(new OffsetRange(e.getKey(), 0, e.getValue()), SCHEMA.names(), 100);
                try (PartitionReader reader = source.openReader(spec, allocator)) {
                    for (VectorSchemaRoot root = reader.next(); root != null; root = reader.next()) {
                        read.addAll(VectorValues.rows(root));
                        root.close();
                    }
                }
            }
        }
        return read;
    }

    @Test
    void aKafkaTableAndAFileTableReadBackWhatTheyWroteInTheAddedFormat() throws Exception {
        String topic = SharedKafkaBroker.createTopic("kv", 1);
        assertEquals(ROWS, writeAndRead(new KafkaConnector(), table("connector", "kafka", "topic", topic, "format", "kv",
                "kv.separator", ";", "bootstrap.servers", SharedKafkaBroker.bootstrapServers(),
                "properties.isolation.level", "read_committed"), ROWS));
        assertEquals("id=1;name=ann;amount=1.5", SharedKafkaBroker.readAll(topic, true).get(0).value());
        assertEquals(ROWS, writeAndRead(new FileSystemConnector(), table("connector", "filesystem", "path",
                dir.toString(), "format", "kv", "kv.separator", ";"), ROWS));
    }

    @Test
    void itsOptionsAreCheckedAndItsMalformedRecordsCountedWithTheirOffsets() throws Exception {
        EngineException e = assertThrows(EngineException.class, () -> new KafkaConnector().validate(
                table("connector", "kafka", "topic", "t", "format", "kv", "kv.separator", "==")));
        assertEquals("Table 'kv_table' (value format 'kv'): option 'kv.separator' must be one character other than "
                + "'=', not '=='", e.getMessage());
        String topic = SharedKafkaBroker.createTopic("kv-bad", 1);
        List<Long> offsets = SharedKafkaBroker.produceValues(topic, 0, "id=1 name=a", "id=x", "garbage", "id=4");
        TableDescriptor table = table("connector", "kafka", "topic", topic, "format", "kv", "on-error", "skip",
                "bootstrap.servers", SharedKafkaBroker.bootstrapServers());
        try (StreamSource source = new KafkaConnector().createSource(table, CONTEXT);
                PartitionReader reader = source.openReader(new ScanSpec(new OffsetRange(new SourcePartition(topic, 0),
                        0, offsets.get(3) + 1), List.of("id"), 100), allocator)) {
            List<List<Object>> rows = new ArrayList<>();
            for (VectorSchemaRoot root = reader.next(); root != null; root = reader.next()) {
                rows.addAll(VectorValues.rows(root));
                root.close();
            }
            assertEquals(List.of(List.of(1L), List.of(4L)), rows);
            assertEquals(2, reader.malformedRecords());
        }
    }
}
