package dev.sluice.execution.connector;

import dev.sluice.execution.error.EngineException;
import dev.sluice.execution.error.ErrorType;
import dev.sluice.execution.sink.StreamSink;
import dev.sluice.execution.source.StreamSource;
import dev.sluice.execution.type.RowSchema;

/**
 * A kind of table ({@code 'connector'='kafka'}, {@code 'memory'}, {@code 'filesystem'}...), found through
 * {@link java.util.ServiceLoader} by {@link #identifier()}.
 *
 * <p>Optional capabilities are default methods that throw a user's error ({@link EngineException}).
 */
public interface Connector {
    /** The value of the {@code connector} option that selects this connector. */
    String identifier();

    /**
     * Checks the options of a table about to be created, and returns the connector's metadata columns
     * (for Kafka: partition, offset, timestamp, key, topic), which are appended to the declared columns.
     *
     * @throws IllegalArgumentException naming the option at fault
     */
    RowSchema validate(TableDescriptor table);

    /**
     * Opens a source over the table. The caller closes it.
     *
     * @throws IllegalArgumentException if the table can't be read (e.g. missing topic), naming it
     */
    default StreamSource createSource(TableDescriptor table, ConnectorContext context) {
        throw new EngineException(ErrorType.USER_ERROR, "Connector '" + identifier() + "' can't be read from");
    }

    /** Prepares a table that was just created (e.g. starts an in-memory table empty). */
    default void create(TableDescriptor table) {
    }

    /** Releases what the connector keeps for a table that is being dropped (e.g. in-memory rows). */
    default void drop(TableDescriptor table) {
    }

    /**
     * Loads and initialises, ahead of a first query, what opening a source or sink of this connector first needs
     * (its client libraries' classes), without connecting anywhere or creating anything. Called once per engine,
     * on a background thread; may do nothing.
     */
    default void warmUp() {
    }

    /** Opens a sink writing into the table. The caller closes it. */
    default StreamSink createSink(TableDescriptor table, ConnectorContext context) {
        throw new EngineException(ErrorType.USER_ERROR, "Connector '" + identifier() + "' can't be written to");
    }
}
