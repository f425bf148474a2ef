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

/**
 * Kafka topics as tables ({@code 'connector'='kafka'}): read as offset ranges per partition with record
 * values decoded from JSON (or not decoded, format 'raw'), written as JSON records. Options: {@link KafkaTableOptions}; metadata columns:
 * {@link KafkaMetadataColumn}. Stateless and thread-safe.
 */
public final class KafkaConnector implements Connector {
    public static final String IDENTIFIER = "kafka";

    @Override
    public String identifier() {
        return IDENTIFIER;
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
