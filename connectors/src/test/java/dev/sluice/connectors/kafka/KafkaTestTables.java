package dev.sluice.connectors.kafka;

import dev.sluice.connectors.testing.SharedKafkaBroker;
import dev.sluice.execution.connector.ConnectorContext;
import dev.sluice.execution.connector.TableDescriptor;
import dev.sluice.execution.source.OffsetRange;
import dev.sluice.execution.source.PartitionReader;
import dev.sluice.execution.source.ScanSpec;
import dev.sluice.execution.source.SourcePartition;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.RowSchema;
import dev.sluice.execution.type.VectorValues;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.VectorSchemaRoot;

/** Kafka tables over the shared test broker, and draining readers into plain rows. */
final class KafkaTestTables {
    /** The declared columns of the click tables the tests write. */
    static final RowSchema CLICKS = RowSchema.of(
            Column.of("user_id", ColumnType.INTEGER),
            Column.of("page", ColumnType.VARCHAR),
            Column.of("amount", ColumnType.DOUBLE),
            Column.of("ts", ColumnType.TIMESTAMP));

    static final ConnectorContext CONTEXT = new ConnectorContext(Map.of(), "test-query");

    private KafkaTestTables() {
    }

    /** A JSON Kafka table on the shared broker; {@code extraOptions} are alternating keys and values. */
    static TableDescriptor table(String name, String topic, RowSchema schema, String... extraOptions) {
        Map<String, String> options = new HashMap<>();
        options.put("connector", "kafka");
        options.put("topic", topic);
        options.put("format", "json");
        options.put("bootstrap.servers", SharedKafkaBroker.bootstrapServers());
        for (int i = 0; i + 1 < extraOptions.length; i += 2) {
            options.put(extraOptions[i], extraOptions[i + 1]);
        }
        return new TableDescriptor(name, schema, options);
    }

    static KafkaSource openSource(TableDescriptor table) {
        return (KafkaSource) new KafkaConnector().createSource(table, CONTEXT);
    }

    static ScanSpec spec(String topic, int partition, long from, long until, int maxBatchRows, String... columns) {
        return new ScanSpec(new OffsetRange(new SourcePartition(topic, partition), from, until), List.of(columns),
                maxBatchRows);
    }

    /** A click record value as the tests write it. */
    static String click(int userId, String page, double amount, long ts) {
        return "{\"user_id\":" + userId + ",\"page\":\"" + page + "\",\"amount\":" + amount + ",\"ts\":" + ts + "}";
    }

    /** Everything a reader returns, closing each batch. */
    static Drained drain(PartitionReader reader) {
        List<List<Object>> rows = new ArrayList<>();
        List<Integer> batchSizes = new ArrayList<>();
        for (VectorSchemaRoot next = reader.next(); next != null; next = reader.next()) {
            try (VectorSchemaRoot root = next) {
                batchSizes.add(root.getRowCount());
                rows.addAll(VectorValues.rows(root));
            }
        }
        return new Drained(rows, batchSizes);
    }

    record Drained(List<List<Object>> rows, List<Integer> batchSizes) {
    }
}
