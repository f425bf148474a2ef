package dev.sluice.execution.connector;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Optional;

/**
 * What a connector may use from the session that opens it: session-wide defaults such as
 * {@code bootstrap.servers} (used when a table does not set its own) and the query's identity.
 *
 * @param queryId the id of the query, kept in its checkpoint and so the same across restarts from that
 *     checkpoint, and different for a new checkpoint (sinks key their exactly-once bookkeeping by it: a
 *     replayed batch of the same query is recognised, a batch of another query is not mistaken for one)
 * @param queryName the query's name (e.g. for a consumer group named after it); for a bounded query, a
 *     name made up for it
 */
public record ConnectorContext(Map<String, String> sessionOptions, String queryId, String queryName) {
    public ConnectorContext {
        sessionOptions = Map.copyOf(sessionOptions);
        requireNonNull(queryId, "queryId is null");
        requireNonNull(queryName, "queryName is null");
    }

    /** A context whose query name is its id (tests, bounded queries). */
    public ConnectorContext(Map<String, String> sessionOptions, String queryId) {
        this(sessionOptions, queryId, queryId);
    }

    /** The table's option if set, else the session's, else empty. */
    public Optional<String> option(TableDescriptor table, String key) {
        return table.option(key).or(() -> Optional.ofNullable(sessionOptions.get(key)));
    }
}
