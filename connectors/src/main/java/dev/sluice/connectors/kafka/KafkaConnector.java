package dev.sluice.connectors.kafka;

import dev.sluice.execution.connector.Connector;
import dev.sluice.execution.connector.ConnectorContext;
import dev.sluice.execution.connector.TableDescriptor;
import dev.sluice.execution.error.EngineException;
import dev.sluice.execution.error.ErrorType;
import dev.sluice.execution.sink.StreamSink;
import dev.sluice.execution.source.StreamSource;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.RowSchema;
import java.util.List;

/**
 * Kafka topics as tables ({@code 'connector'='kafka'}): read as offset ranges per partition with record
 * values decoded from JSON (or not decoded, format 'raw'), written as JSON records. Options: {@link KafkaTableOptions}; metadata columns:
 * {@link KafkaMetadataColumn}. Stateless and thread-safe.
 */
public final class KafkaConnector implements Connector {
    public static final String IDENTIFIER = "kafka";

    /**
     * The Kafka client classes whose loading and static initialisation (the clients' config definitions, every
     * protocol message's schema) cost a fresh JVM about half a second before its first admin request (measured
     * 0.66 s cold, 0.18 s after these).
     */
    private static final List<String> CLIENT_CLASSES = List.of(
            "org.apache.kafka.clients.admin.AdminClientConfig",
            "org.apache.kafka.clients.producer.ProducerConfig",
            "org.apache.kafka.clients.consumer.ConsumerConfig",
            "org.apache.kafka.common.protocol.ApiKeys",
            "org.apache.kafka.common.protocol.Errors",
            "org.apache.kafka.clients.admin.KafkaAdminClient",
            "org.apache.kafka.clients.NetworkClient",
            "org.apache.kafka.common.network.Selector",
            "org.apache.kafka.common.metrics.Metrics",
            "org.apache.kafka.clients.producer.KafkaProducer",
            "org.apache.kafka.clients.producer.internals.Sender",
            "org.apache.kafka.clients.producer.internals.RecordAccumulator",
            "org.apache.kafka.clients.producer.internals.TransactionManager",
            "org.apache.kafka.clients.Metadata",
            "org.apache.kafka.common.requests.MetadataRequest",
            "org.apache.kafka.common.requests.MetadataResponse",
            "org.apache.kafka.common.requests.FetchRequest",
            "org.apache.kafka.common.requests.FetchResponse",
            "org.apache.kafka.common.message.FetchResponseData",
            "org.apache.kafka.common.record.internal.MemoryRecords",
            "org.apache.kafka.common.record.internal.DefaultRecordBatch");

    @Override
    public String identifier() {
        return IDENTIFIER;
    }

    /** Loads and initialises the Kafka clients' classes ({@link #CLIENT_CLASSES}); connects nowhere. */
    @Override
    public void warmUp() {
        ClassLoader loader = KafkaConnector.class.getClassLoader();
        for (String name : CLIENT_CLASSES) {
            try {
                Class.forName(name, true, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                // Another version of the clients: one class less warmed up, nothing else.
            }
        }
    }

    /**
     * Checks the table's options and columns without contacting Kafka, and returns the metadata columns
     * partition (INTEGER), offset (BIGINT), timestamp (TIMESTAMP) and key (VARCHAR, nullable).
     *
     * @throws IllegalArgumentException naming the option or column at fault
     */
    @Override
    public RowSchema validate(TableDescriptor table) {
        checkColumns(table, KafkaTableOptions.parse(table));
        return KafkaMetadataColumn.schema();
    }

    /** The formats checked the columns they hold when the options were parsed; the names are checked here. */
    private static void checkColumns(TableDescriptor table, KafkaTableOptions options) {
        checkColumnNames(table);
    }

    private static void checkColumnNames(TableDescriptor table) {
        for (Column c : table.schema().columns()) {
            KafkaMetadataColumn.byNameIgnoringCase(c.name()).ifPresent(meta -> {
                throw new EngineException(ErrorType.USER_ERROR, "Column '" + c.name() + "' of Kafka table '" + table.name()
                        + "' has the name of a metadata column (" + String.join(", ", KafkaMetadataColumn.schema().names())
                        + "); rename it");
            });
        }
    }

    /**
     * Opens a {@link KafkaSource} over the table's topic; a continuous query commits its progress to the
     * consumer group {@link KafkaTableOptions#commitGroup} names.
     *
     * @throws dev.sluice.execution.error.EngineException a user's error if an option is invalid or no bootstrap servers are set
     * @throws dev.sluice.execution.source.SourceException if the topic does not exist or Kafka can't be
     *         reached within 10 s
     */
    @Override
    public StreamSource createSource(TableDescriptor table, ConnectorContext context) {
        KafkaTableOptions options = KafkaTableOptions.parse(table);
        checkColumns(table, options);
        return KafkaSource.open(options, table.schema(), options.bootstrapServers(table, context), context.queryId(),
                options.commitGroup(context));
    }

    /**
     * Opens a {@link KafkaSink} writing to the table's topic (exactly-once unless the table's
     * {@code sink.delivery-guarantee} says at-least-once), its transactions named after the query's id.
     *
     * @throws dev.sluice.execution.error.EngineException a user's error if an option is invalid or no bootstrap servers are set
     * @throws dev.sluice.execution.source.SourceException if the topic does not exist or Kafka can't be
     *         reached within 10 s
     */
    @Override
    public StreamSink createSink(TableDescriptor table, ConnectorContext context) {
        KafkaTableOptions options = KafkaTableOptions.parse(table);
        return KafkaSink.open(options, table.primaryKey(), options.bootstrapServers(table, context), context.queryId());
    }
}
