package dev.sluice.connectors.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.execution.connector.Connector;
import dev.sluice.execution.connector.ConnectorRegistry;
import dev.sluice.execution.connector.TableDescriptor;
import dev.sluice.execution.error.EngineException;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.RowSchema;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** Option and column validation; none of it contacts Kafka. */
class KafkaConnectorTest {
    private static final RowSchema COLUMNS = RowSchema.of(Column.of("user_id", ColumnType.INTEGER));
    private final KafkaConnector connector = new KafkaConnector();

    /** A valid table plus {@code extra} options (alternating keys and values; a null value removes the key). */
    private static TableDescriptor table(String... extra) {
        return table(COLUMNS, extra);
    }

    private static TableDescriptor table(RowSchema columns, String... extra) {
        Map<String, String> options = new HashMap<>(Map.of("connector", "kafka", "topic", "clicks", "format", "json",
                "bootstrap.servers", "127.0.0.1:1"));
        for (int i = 0; i + 1 < extra.length; i += 2) {
            if (extra[i + 1] == null) {
                options.remove(extra[i]);
            } else {
                options.put(extra[i], extra[i + 1]);
            }
        }
        return new TableDescriptor("t", columns, options);
    }

    private String error(TableDescriptor table) {
        return assertThrows(EngineException.class, () -> connector.validate(table)).getMessage();
    }

    @Test
    void rawTablesHaveOneVarcharColumn() {
        RowSchema payload = RowSchema.of(Column.of("payload", ColumnType.VARCHAR));
        connector.validate(table(payload, "format", "raw"));
        assertEquals("Table 't' (value format 'raw'): a table of format 'raw' has exactly one column, of type VARCHAR, "
                + "that receives each record value (declared: [user_id INTEGER])", error(table("format", "raw")));
    }

    @Test
    void formatOptionsAreCheckedByTheirFormat() {
        connector.validate(table("format", "csv", "csv.field-delimiter", ";"));
        assertEquals("Unknown option 'csv.delimiter' for table 't' (format 'csv' takes [csv.field-delimiter, "
                + "csv.header])", error(table("format", "csv", "csv.delimiter", ";")));
        assertEquals("Table 't' (value format 'csv'): option 'csv.field-delimiter' must be one character other than a "
                + "quote or a line break, not ';;'", error(table("format", "csv", "csv.field-delimiter", ";;")));
        assertEquals("Kafka table 't': its value format 'csv' is set to write a header line, which only files have "
                + "(remove the option)", error(table("format", "csv", "csv.header", "true")));
        assertEquals("Option 'key.format' of Kafka table 't' needs a PRIMARY KEY (...) NOT ENFORCED: the key's columns "
                + "are what the record key holds", error(table("key.format", "json")));
        assertEquals("Unknown option 'json.x' for Kafka table 't' (valid options: bootstrap.servers, connector, "
                + "dead-letter.delivery-guarantee, dead-letter.topic, format, key.format, on-error, scan.commit-offsets, "
                + "scan.read-timeout-ms, scan.startup.mode, scan.startup.specific-offsets, scan.startup.timestamp-millis, "
                + "sink.delivery-guarantee, sink.transactional-id-prefix, topic, topic-pattern, properties.*, csv.*, "
                + "kv.*, key.csv.*, key.kv.*)", error(table("json.x", "1")));
    }

    @Test
    void commitOffsetsIsTrueOrFalseAndNamesAGroup() {
        var context = new dev.sluice.execution.connector.ConnectorContext(Map.of(), "id-1", "orders");
        assertEquals(java.util.Optional.of("sluice-orders"), KafkaTableOptions.parse(table()).commitGroup(context));
        assertEquals(java.util.Optional.empty(),
                KafkaTableOptions.parse(table("scan.commit-offsets", "FALSE")).commitGroup(context));
        assertEquals(java.util.Optional.of("mine"),
                KafkaTableOptions.parse(table("properties.group.id", "mine")).commitGroup(context));
        var withQueryGroup = new dev.sluice.execution.connector.ConnectorContext(
                Map.of(KafkaTableOptions.QUERY_GROUP_ID, "ours"), "id-1", "orders");
        assertEquals(java.util.Optional.of("ours"),
                KafkaTableOptions.parse(table("properties.group.id", "mine")).commitGroup(withQueryGroup));
        assertEquals("Invalid value 'yes' for option 'scan.commit-offsets' of table 't': expected true or false",
                error(table("scan.commit-offsets", "yes")));
    }

    @Test
    void isFoundByItsIdentifier() {
        assertTrue(ServiceLoader.load(Connector.class).stream().anyMatch(p -> p.type() == KafkaConnector.class));
        assertEquals(KafkaConnector.class, ConnectorRegistry.loadFromClassPath().get("kafka").getClass());
    }

    @Test
    void returnsTheMetadataColumns() {
        assertEquals(RowSchema.of(
                new Column("partition", ColumnType.INTEGER, false),
                new Column("offset", ColumnType.BIGINT, false),
                new Column("timestamp", ColumnType.TIMESTAMP, false),
                new Column("key", ColumnType.VARCHAR, true),
                new Column("topic", ColumnType.VARCHAR, false)), connector.validate(table()));
    }

    @Test
    void parsesEveryOption() {
        KafkaTableOptions options = KafkaTableOptions.parse(table(
                "scan.startup.mode", "specific-offsets",
                "scan.startup.specific-offsets", " partition:0,offset:42; partition:1 , offset:300;",
                "scan.read-timeout-ms", "1500",
                "on-error", "dead-letter",
                "dead-letter.topic", "bad-clicks",
                "properties.security.protocol", "PLAINTEXT",
                "properties.fetch.min.bytes", "1000"));
        assertEquals("clicks", options.topic());
        assertEquals(StartupMode.SPECIFIC_OFFSETS, options.startupMode());
        assertEquals(Map.of(0, 42L, 1, 300L), options.specificOffsets());
        assertEquals(Duration.ofMillis(1500), options.readTimeout());
        assertEquals(ErrorPolicy.DEAD_LETTER, options.errorPolicy());
        assertEquals("bad-clicks", options.deadLetterTopic().orElseThrow());
        assertEquals(Map.of("security.protocol", "PLAINTEXT", "fetch.min.bytes", "1000"), options.clientProperties());

        KafkaTableOptions defaults = KafkaTableOptions.parse(table());
        assertEquals(StartupMode.EARLIEST, defaults.startupMode());
        assertEquals(ErrorPolicy.FAIL, defaults.errorPolicy());
        assertEquals(Duration.ofSeconds(60), defaults.readTimeout());
        assertEquals(StartupMode.TIMESTAMP, KafkaTableOptions.parse(table("scan.startup.mode", "timestamp",
                "scan.startup.timestamp-millis", "1700000000000")).startupMode());
    }

    @Test
    void fetchesTakeKafkasPartitionSizeAndFourMegabytesUnlessTheTableSaysOtherwise() {
        KafkaClientProperties clients = new KafkaClientProperties("b:9092", "t", Map.of());
        assertEquals(4 * 1024 * 1024, clients.consumer().get("fetch.max.bytes"));
        assertEquals(1024 * 1024, clients.consumer().get("max.partition.fetch.bytes"));
        assertEquals(5, clients.consumer().get("fetch.max.wait.ms"));
        KafkaClientProperties userSet = new KafkaClientProperties("b:9092", "t", Map.of("fetch.max.bytes", "65536",
                "max.partition.fetch.bytes", "4096"));
        assertEquals("65536", userSet.consumer().get("fetch.max.bytes"));
        assertEquals("4096", userSet.consumer().get("max.partition.fetch.bytes"));
    }

    @Test
    void passesPropertiesToTheClientsThatKnowThem() {
        KafkaClientProperties clients = new KafkaClientProperties("b:9092", "t", Map.of(
                "fetch.min.bytes", "1000", "linger.ms", "50", "security.protocol", "SSL", "my.plugin.setting", "x"));
        Map<String, Object> consumer = clients.consumer();
        Map<String, Object> producer = clients.producer("sink");
        Map<String, Object> admin = clients.admin();
        assertEquals("1000", consumer.get("fetch.min.bytes"));
        assertEquals("50", producer.get("linger.ms"));
        assertEquals(null, producer.get("fetch.min.bytes"));
        assertEquals(null, admin.get("linger.ms"));
        for (Map<String, Object> client : java.util.List.of(consumer, producer, admin)) {
            assertEquals("SSL", client.get("security.protocol"));
            assertEquals("x", client.get("my.plugin.setting"));
            assertEquals("b:9092", client.get("bootstrap.servers"));
        }
        assertEquals(false, consumer.get("enable.auto.commit"));
        assertEquals("all", producer.get("acks"));
        assertEquals(true, producer.get("enable.idempotence"));
    }

    @Test
    void unknownOptionIsNamedWithTheValidOnes() {
        assertEquals("Unknown option 'scan.startup.offset' for Kafka table 't' (valid options: bootstrap.servers, "
                + "connector, dead-letter.delivery-guarantee, dead-letter.topic, format, key.format, on-error, "
                + "scan.commit-offsets, scan.read-timeout-ms, scan.startup.mode, scan.startup.specific-offsets, "
                + "scan.startup.timestamp-millis, sink.delivery-guarantee, sink.transactional-id-prefix, topic, "
                + "topic-pattern, properties.*, csv.*, kv.*, key.csv.*, key.kv.*)",
                error(table("scan.startup.offset", "5")));
    }

    @Test
    void requiredOptions() {
        assertEquals("Kafka table 't' needs exactly one of the options 'topic' and 'topic-pattern'",
                error(table("topic", null)));
        assertEquals("Kafka table 't' needs option 'format'", error(table("format", null)));
        assertEquals("Unsupported format 'avro' for table 't' (option 'format'; supported: csv, json, kv, raw)",
                error(table("format", "avro")));
    }

    @Test
    void invalidOptionValuesAreNamed() {
        assertEquals("Invalid value 'newest' for option 'scan.startup.mode' of table 't': expected 'earliest', "
                + "'earliest-offset', 'latest', 'latest-offset', 'specific-offsets' or 'timestamp'",
                error(table("scan.startup.mode", "newest")));
        assertEquals("Invalid value 'ignore' for option 'on-error' of table 't': expected 'fail', 'skip' or 'dead-letter'",
                error(table("on-error", "ignore")));
        assertEquals("Invalid value 'partition:0;offset:1' for option 'scan.startup.specific-offsets' of table 't': "
                + "'partition:0' is not 'partition:<p>,offset:<o>' (expected "
                + "'partition:<p>,offset:<o>;partition:<p>,offset:<o>...')",
                error(table("scan.startup.mode", "specific-offsets", "scan.startup.specific-offsets", "partition:0;offset:1")));
        assertEquals("Invalid value 'partition:0,offset:1;partition:0,offset:2' for option "
                + "'scan.startup.specific-offsets' of table 't': partition 0 is given twice (expected "
                + "'partition:<p>,offset:<o>;partition:<p>,offset:<o>...')",
                error(table("scan.startup.mode", "specific-offsets",
                        "scan.startup.specific-offsets", "partition:0,offset:1;partition:0,offset:2")));
        assertEquals("Invalid value 'soon' for option 'scan.startup.timestamp-millis' of table 't': expected an "
                + "integer >= 0", error(table("scan.startup.mode", "timestamp", "scan.startup.timestamp-millis", "soon")));
        assertEquals("Invalid value '0' for option 'scan.read-timeout-ms' of table 't': expected an integer >= 1",
                error(table("scan.read-timeout-ms", "0")));
    }

    @Test
    void optionsThatOnlyGoWithAnother() {
        assertEquals("Kafka table 't' has 'scan.startup.mode'='specific-offsets' but no "
                + "'scan.startup.specific-offsets' option", error(table("scan.startup.mode", "specific-offsets")));
        assertEquals("Option 'scan.startup.specific-offsets' of table 't' needs 'scan.startup.mode'='specific-offsets'",
                error(table("scan.startup.specific-offsets", "partition:0,offset:1")));
        assertEquals("Kafka table 't' has 'scan.startup.mode'='timestamp' but no 'scan.startup.timestamp-millis' option",
                error(table("scan.startup.mode", "timestamp")));
        assertEquals("Kafka table 't' has 'on-error'='dead-letter' but no 'dead-letter.topic' option",
                error(table("on-error", "dead-letter")));
        assertEquals("Option 'dead-letter.topic' of table 't' needs 'on-error'='dead-letter'",
                error(table("dead-letter.topic", "bad")));
        assertEquals("Option 'dead-letter.topic' of table 't' can't be one of the table's own topics [clicks]",
                error(table("on-error", "dead-letter", "dead-letter.topic", "clicks")));
    }

    @Test
    void managedClientPropertiesCantBeSet() {
        assertEquals("Option 'properties.auto.offset.reset' of table 't' can't be set: Sluice manages it",
                error(table("properties.auto.offset.reset", "earliest")));
        assertEquals("Option 'properties.bootstrap.servers' of table 't' can't be set: use 'bootstrap.servers'",
                error(table("properties.bootstrap.servers", "b:9092")));
    }

    @Test
    void declaredColumnsCantBeNamedLikeMetadataColumns() {
        assertEquals("Column 'Offset' of Kafka table 't' has the name of a metadata column (partition, offset, "
                + "timestamp, key, topic); rename it", error(table(RowSchema.of(Column.of("Offset", ColumnType.BIGINT)))));
    }
}
