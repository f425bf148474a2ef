package dev.sluice.connectors.kafka;

import static dev.sluice.connectors.kafka.KafkaTestTables.CLICKS;
import static dev.sluice.connectors.kafka.KafkaTestTables.CONTEXT;
import static dev.sluice.connectors.kafka.KafkaTestTables.drain;
import static dev.sluice.connectors.kafka.KafkaTestTables.openSource;
import static dev.sluice.connectors.kafka.KafkaTestTables.spec;
import static dev.sluice.connectors.kafka.KafkaTestTables.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.connectors.testing.SharedKafkaBroker;
import dev.sluice.execution.sink.StreamSink;
import dev.sluice.execution.source.PartitionReader;
import dev.sluice.execution.source.SourceException;
import dev.sluice.execution.testing.ArrowTestBase;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.RowSchema;
import dev.sluice.execution.type.VectorValues;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMilliVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class KafkaSinkIT extends ArrowTestBase {
    private static final long TS = 1_700_000_000_123L;

    private static StreamSink openSink(String topic) {
        return new KafkaConnector().createSink(table("out", topic, CLICKS), CONTEXT);
    }

    /** Rows of (user_id, page, amount, ts, vip), one per id; page and amount NULL for odd ids. */
    private VectorSchemaRoot clicks(RowSchema schema, int... ids) {
        VectorSchemaRoot root = VectorSchemaRoot.create(schema.toArrowSchema(), allocator);
        root.allocateNew();
        for (int row = 0; row < ids.length; row++) {
            int id = ids[row];
            ((IntVector) root.getVector("user_id")).setSafe(row, id);
            if (id % 2 == 0) {
                ((VarCharVector) root.getVector("page")).setSafe(row, ("/p/" + id).getBytes(StandardCharsets.UTF_8));
                ((Float8Vector) root.getVector("amount")).setSafe(row, id + 0.25);
            } else {
                ((VarCharVector) root.getVector("page")).setNull(row);
                ((Float8Vector) root.getVector("amount")).setNull(row);
            }
            ((TimeStampMilliVector) root.getVector("ts")).setSafe(row, TS + id);
            ((BitVector) root.getVector("vip")).setSafe(row, id > 2 ? 1 : 0);
        }
        root.setRowCount(ids.length);
        return root;
    }

    private static final RowSchema OUT = RowSchema.of(
            Column.of("user_id", ColumnType.INTEGER),
            Column.of("page", ColumnType.VARCHAR),
            Column.of("amount", ColumnType.DOUBLE),
            Column.of("ts", ColumnType.TIMESTAMP),
            Column.of("vip", ColumnType.BOOLEAN));

    @Test
    void writesRowsAsJson() throws Exception {
        String topic = SharedKafkaBroker.createTopic("sink", 1);
        try (StreamSink sink = openSink(topic);
                VectorSchemaRoot first = clicks(OUT, 1, 2);
                VectorSchemaRoot second = clicks(OUT, 4)) {
            sink.addBatch(0, OUT, List.of(first, second));
        }
        List<ConsumerRecord<String, String>> records = SharedKafkaBroker.readAll(topic);
        assertEquals(List.of(
                "null {\"user_id\":1,\"page\":null,\"amount\":null,\"ts\":\"2023-11-14 22:13:20.124\",\"vip\":false}",
                "null {\"user_id\":2,\"page\":\"/p/2\",\"amount\":2.25,\"ts\":\"2023-11-14 22:13:20.125\",\"vip\":false}",
                "null {\"user_id\":4,\"page\":\"/p/4\",\"amount\":4.25,\"ts\":\"2023-11-14 22:13:20.127\",\"vip\":true}"),
                records.stream().map(r -> r.key() + " " + r.value()).toList());
    }

    @Test
    void keyColumnBecomesTheRecordKeyAndMetadataColumnsStayOutOfTheValue() throws Exception {
        String topic = SharedKafkaBroker.createTopic("sink-keyed", 1);
        RowSchema schema = RowSchema.of(
                Column.of("key", ColumnType.VARCHAR),
                Column.of("n", ColumnType.BIGINT),
                Column.of("offset", ColumnType.BIGINT),
                Column.of("partition", ColumnType.INTEGER));
        try (StreamSink sink = openSink(topic);
                VectorSchemaRoot root = VectorSchemaRoot.create(schema.toArrowSchema(), allocator)) {
            root.allocateNew();
            ((VarCharVector) root.getVector("key")).setSafe(0, "alice".getBytes(StandardCharsets.UTF_8));
            ((VarCharVector) root.getVector("key")).setNull(1);
            ((BigIntVector) root.getVector("n")).setSafe(0, 10);
            ((BigIntVector) root.getVector("n")).setSafe(1, 20);
            for (int row = 0; row < 2; row++) {
                ((BigIntVector) root.getVector("offset")).setSafe(row, 99);
                ((IntVector) root.getVector("partition")).setSafe(row, 7);
            }
            root.setRowCount(2);
            sink.addBatch(3, schema, List.of(root));
        }
        assertEquals(List.of("alice {\"n\":10}", "null {\"n\":20}"),
                SharedKafkaBroker.readAll(topic).stream().map(r -> r.key() + " " + r.value()).toList());
    }

    @Test
    void writtenRowsReadBackThroughTheSource() throws Exception {
        String topic = SharedKafkaBroker.createTopic("sink-roundtrip", 1);
        try (StreamSink sink = openSink(topic); VectorSchemaRoot root = clicks(OUT, 0, 1, 2)) {
            sink.addBatch(0, OUT, List.of(root));
        }
        RowSchema readSchema = RowSchema.of(
                Column.of("user_id", ColumnType.INTEGER),
                Column.of("page", ColumnType.VARCHAR),
                Column.of("amount", ColumnType.DOUBLE),
                Column.of("ts", ColumnType.TIMESTAMP),
                Column.of("vip", ColumnType.BOOLEAN));
        try (KafkaSource source = openSource(table("in", topic, readSchema));
                PartitionReader reader = source.openReader(spec(topic, 0, 0, 3, 100, "user_id", "page", "amount", "ts", "vip"), allocator)) {
            assertEquals(List.of(
                    Arrays.asList(0, "/p/0", 0.25, VectorValues.toLocalDateTime(TS), false),
                    Arrays.asList(1, null, null, VectorValues.toLocalDateTime(TS + 1), false),
                    Arrays.asList(2, "/p/2", 2.25, VectorValues.toLocalDateTime(TS + 2), false)), drain(reader).rows());
        }
    }

    @Test
    void failedWritesFailTheBatch() {
        String topic = SharedKafkaBroker.createTopic("sink-too-large", 1);
        try (StreamSink sink = new KafkaConnector().createSink(table("out", topic, CLICKS,
                        "properties.max.request.size", "60"), CONTEXT);
                VectorSchemaRoot root = clicks(OUT, 2, 4)) {
            IOException e = assertThrows(IOException.class, () -> sink.addBatch(5, OUT, List.of(root)));
            assertTrue(e.getMessage().startsWith("Failed to write batch 5 of table 'out' to topic '" + topic
                    + "' (2 record(s) failed) in transaction '"), e.getMessage());
        }
        assertEquals(List.of(), SharedKafkaBroker.readAll(topic));
    }

    @Test
    void missingTopicIsNamed() {
        SourceException e = assertThrows(SourceException.class, () -> openSink("no-such-output"));
        assertEquals("Topic 'no-such-output' of table 'out' does not exist (Kafka at '"
                + SharedKafkaBroker.bootstrapServers() + "')", e.getMessage());
    }
}
