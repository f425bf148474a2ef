package dev.sluice.execution.plan;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.type.RowSchema;
import java.util.ArrayList;
import java.util.List;

/**
 * A stream joined with a versioned table (a stream with a {@code PRIMARY KEY}: each row the key's new version,
 * as a compacted topic), as Flink's temporal join: each row of {@code stream} meets the latest row of each key of
 * {@code versioned} read so far (rows of the same batch applied first), never the older ones. The join keeps
 * the latest row per key of the versioned side in its state (bounded by the number of keys), and nothing of the
 * stream: the output only appends, in the stream's event-time order. Output: the stream's columns, then the
 * versioned table's; with {@code outer}, a stream row without a match is kept with NULLs (LEFT JOIN).
 *
 * @param primaryKey the versioned side's key columns, all among {@code versionedKeys}
 */
public record TemporalJoinNode(PhysicalNode stream, PhysicalNode versioned, List<Integer> streamKeys,
                               List<Integer> versionedKeys, List<Integer> primaryKey, boolean outer, RowSchema schema)
        implements PhysicalNode {
    public TemporalJoinNode {
        requireNonNull(stream, "stream is null");
        requireNonNull(versioned, "versioned is null");
        streamKeys = List.copyOf(streamKeys);
        versionedKeys = List.copyOf(versionedKeys);
        primaryKey = List.copyOf(primaryKey);
        requireNonNull(schema, "schema is null");
        if (streamKeys.isEmpty() || streamKeys.size() != versionedKeys.size()) {
            throw new IllegalArgumentException("A temporal join needs as many keys on each side, at least one");
        }
        if (primaryKey.isEmpty() || !versionedKeys.containsAll(primaryKey)) {
            throw new IllegalArgumentException("A temporal join's keys must include the versioned side's primary key "
                    + primaryKey + ": " + versionedKeys);
        }
    }

    @Override
    public List<PhysicalNode> inputs() {
        return List.of(stream, versioned);
    }

    @Override
    public boolean isStateful() {
        return true;
    }

    @Override
    public String describe() {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < streamKeys.size(); i++) {
            keys.add(stream.schema().column(streamKeys.get(i)).name() + " = "
                    + versioned.schema().column(versionedKeys.get(i)).name());
        }
        return "TemporalJoin(" + (outer ? "LEFT, " : "") + "keys=" + keys + ", state=latest row per "
                + primaryKey.stream().map(k -> versioned.schema().column(k).name()).toList() + ")";
    }
}
