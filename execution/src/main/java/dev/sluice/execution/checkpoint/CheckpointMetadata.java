package dev.sluice.execution.checkpoint;

import static java.util.Objects.requireNonNull;

/**
 * What a checkpoint belongs to, written once when the query first runs.
 *
 * @param planFingerprint a digest of the stateful part of the plan; a restart with a different one may be
 *     refused once stateful operators exist
 */
public record CheckpointMetadata(String queryId, String queryName, String sql, String planFingerprint,
                                 long createdMillis) {
    public CheckpointMetadata {
        requireNonNull(queryId, "queryId is null");
        requireNonNull(queryName, "queryName is null");
        requireNonNull(sql, "sql is null");
        requireNonNull(planFingerprint, "planFingerprint is null");
    }
}
