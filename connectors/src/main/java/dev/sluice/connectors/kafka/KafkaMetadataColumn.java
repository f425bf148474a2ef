package dev.sluice.connectors.kafka;

import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.RowSchema;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The columns every Kafka table has besides its declared ones, filled from the record rather than its value,
 * in this order after the declared columns.
 */
public enum KafkaMetadataColumn {
    /** The record's partition. */
    PARTITION(new Column("partition", ColumnType.INTEGER, false)),
    /** The record's offset in its partition. */
    OFFSET(new Column("offset", ColumnType.BIGINT, false)),
    /** The record's timestamp (create or log-append time, as the topic says). */
    TIMESTAMP(new Column("timestamp", ColumnType.TIMESTAMP, false)),
    /** The record's key as UTF-8 text, NULL if it has none. */
    KEY(new Column("key", ColumnType.VARCHAR, true)),
    /** The record's topic (a table may read several). */
    TOPIC(new Column("topic", ColumnType.VARCHAR, false));

    private static final RowSchema SCHEMA = new RowSchema(Arrays.stream(values()).map(KafkaMetadataColumn::column).toList());

    private final Column column;

    KafkaMetadataColumn(Column column) {
        this.column = column;
    }

    public Column column() {
        return column;
    }

    public String columnName() {
        return column.name();
    }

    /** All metadata columns, in order: partition, offset, timestamp, key, topic. */
    public static RowSchema schema() {
        return SCHEMA;
    }

    /** The metadata column of this exact name. */
    public static Optional<KafkaMetadataColumn> byName(String name) {
        for (KafkaMetadataColumn c : values()) {
            if (c.column.name().equals(name)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /** The metadata column whose name matches, ignoring case (SQL identifiers may be folded). */
    public static Optional<KafkaMetadataColumn> byNameIgnoringCase(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return byName(lower);
    }
}
