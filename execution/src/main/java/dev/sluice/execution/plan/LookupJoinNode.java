package dev.sluice.execution.plan;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.type.RowSchema;
import java.util.ArrayList;
import java.util.List;

/**
 * A stream joined with a static table on equal keys (SQL {@code JOIN ... ON s.k = t.k}): each row of
 * {@code stream} meets the rows of {@code lookup} with the same keys. The lookup side is read whole for every
 * micro-batch, up to the offsets logged for that batch, so a replayed batch joins with the same rows; it keeps
 * no state between batches. Output: the stream's columns, then the lookup side's; for a LEFT join, a stream
 * row without a match is kept with NULLs; a SEMI join keeps the stream rows with a match (once), an ANTI join
 * those without, their columns only.
 *
 * @param lookupPrimaryKey the lookup side's primary key columns when its table declares one: only the latest row
 *     per key joins (a versioned table, as a compacted topic is); empty when every row joins
 */
public record LookupJoinNode(PhysicalNode stream, PhysicalNode lookup, List<Integer> streamKeys,
                             List<Integer> lookupKeys, JoinType type, RowSchema schema, List<Integer> lookupPrimaryKey)
        implements PhysicalNode {
    /** An inner or (with {@code outer}) LEFT lookup join whose lookup side's every row joins (no primary key). */
    public LookupJoinNode(PhysicalNode stream, PhysicalNode lookup, List<Integer> streamKeys, List<Integer> lookupKeys,
                          boolean outer, RowSchema schema) {
        this(stream, lookup, streamKeys, lookupKeys, outer ? JoinType.LEFT : JoinType.INNER, schema, List.of());
    }

    /** Whether a stream row without a match is kept with NULLs (LEFT JOIN). */
    public boolean outer() {
        return type == JoinType.LEFT;
    }

    public LookupJoinNode {
        requireNonNull(stream, "stream is null");
        requireNonNull(lookup, "lookup is null");
        streamKeys = List.copyOf(streamKeys);
        lookupKeys = List.copyOf(lookupKeys);
        lookupPrimaryKey = List.copyOf(lookupPrimaryKey);
        requireNonNull(type, "type is null");
        if (type == JoinType.RIGHT || type == JoinType.FULL) {
            throw new IllegalArgumentException("A lookup join keeps the stream's rows only, not the static side's: "
                    + type.sql());
        }
        requireNonNull(schema, "schema is null");
        if (streamKeys.isEmpty() || streamKeys.size() != lookupKeys.size()) {
            throw new IllegalArgumentException("A lookup join needs as many keys on each side, at least one: "
                    + streamKeys + " and " + lookupKeys);
        }
    }

    @Override
    public List<PhysicalNode> inputs() {
        return List.of(stream, lookup);
    }

    @Override
    public String describe() {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < streamKeys.size(); i++) {
            keys.add(stream.schema().column(streamKeys.get(i)).name() + " = "
                    + lookup.schema().column(lookupKeys.get(i)).name());
        }
        String latest = lookupPrimaryKey.isEmpty() ? "" : ", its latest row per "
                + lookupPrimaryKey.stream().map(k -> lookup.schema().column(k).name()).toList();
        return "LookupJoin(type=" + type.name().toLowerCase(java.util.Locale.ROOT) + ", keys=" + keys
                + ", lookup side read whole each batch" + latest + ")";
    }
}
