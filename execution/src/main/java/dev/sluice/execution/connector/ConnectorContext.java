package dev.sluice.execution.connector;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Optional;

/**
 * What a connector may use from the session that opens it: session-wide defaults such as
 * {@code bootstrap.servers} (used when a table does not set its own) and the query's identity: its name,
 * stable across restarts from the same checkpoint (sinks key their exactly-once bookkeeping by it).
 */
public record ConnectorContext(Map<String, String> sessionOptions, String queryId) {
    public ConnectorContext {
        sessionOptions = Map.copyOf(sessionOptions);
        requireNonNull(queryId, "queryId is null");
    }

    /** The table's option if set, else the session's, else empty. */
    public Optional<String> option(TableDescriptor table, String key) {
        return table.option(key).or(() -> Optional.ofNullable(sessionOptions.get(key)));
    }
}
