package dev.sluice.execution.plan;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.type.RowSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A join of two streams on equal keys, whose state is kept bounded by an event-time bound (an interval join:
 * {@link IntervalBound}), or by a state TTL (a regular join: a row not matched or updated for that long is
 * forgotten), or, on a bounded query, by the end of the input. Each side's rows wait in the join's state
 * (checkpointed, versioned by batch) for the other side's; a pair is emitted once, in the batch where its later
 * row arrives.
 *
 * <p>Rows without a match ({@link JoinType}): an interval join emits them null-padded once the watermark passes
 * the last time a match could come (append-only); a regular join emits them at once and deletes them when the
 * first match comes (a retracting changelog), as Flink's joins do. Output: the left side's columns, then the
 * right side's; for a semi or anti join the left side's only.
 *
 * @param ttlMillis for a regular join of two streams: how long a row stays in the state after it was stored or
 *     its match count last changed, counted in the batches' logged times
 * @param bounded whether the join runs over a bounded query's whole input in one batch
 */
public record StreamJoinNode(PhysicalNode left, PhysicalNode right, JoinType type, List<Integer> leftKeys,
                             List<Integer> rightKeys, Optional<IntervalBound> bound, Optional<Long> ttlMillis,
                             boolean bounded, RowSchema schema) implements PhysicalNode {
    public StreamJoinNode {
        requireNonNull(left, "left is null");
        requireNonNull(right, "right is null");
        requireNonNull(type, "type is null");
        leftKeys = List.copyOf(leftKeys);
        rightKeys = List.copyOf(rightKeys);
        requireNonNull(bound, "bound is null");
        requireNonNull(ttlMillis, "ttlMillis is null");
        requireNonNull(schema, "schema is null");
        if (leftKeys.isEmpty() || leftKeys.size() != rightKeys.size()) {
            throw new IllegalArgumentException("A stream join needs as many keys on each side, at least one");
        }
        if (!bounded && bound.isEmpty() && ttlMillis.isEmpty()) {
            throw new IllegalArgumentException("A join of two streams needs a time bound or a state TTL");
        }
        if (ttlMillis.isPresent() && ttlMillis.get() <= 0) {
            throw new IllegalArgumentException("A state TTL must be positive: " + ttlMillis.get() + " ms");
        }
    }

    /** An inner interval join, as before outer joins came. */
    public StreamJoinNode(PhysicalNode left, PhysicalNode right, List<Integer> leftKeys, List<Integer> rightKeys,
                          int leftTime, int rightTime, long lowerMillis, long upperMillis, RowSchema schema) {
        this(left, right, JoinType.INNER, leftKeys, rightKeys,
                Optional.of(IntervalBound.between(leftTime, rightTime, lowerMillis, upperMillis)), Optional.empty(),
                false, schema);
    }

    @Override
    public List<PhysicalNode> inputs() {
        return List.of(left, right);
    }

    @Override
    public boolean isStateful() {
        return true;
    }

    /** The equal keys, as {@code left = right} with the sides' column names. */
    public List<String> keyNames() {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < leftKeys.size(); i++) {
            keys.add(left.schema().column(leftKeys.get(i)).name() + " = "
                    + right.schema().column(rightKeys.get(i)).name());
        }
        return keys;
    }

    @Override
    public String describe() {
        String kept = bound.map(b -> b.describe(left, right) + ", state=rows of both sides until the watermark "
                + "passes their bound")
                .orElseGet(() -> ttlMillis.map(t -> "state=rows of both sides for a TTL of " + t + " ms")
                        .orElse("bounded input"));
        return "StreamJoin(" + (type == JoinType.INNER ? "" : type.name() + ", ") + "keys=" + keyNames() + ", " + kept
                + ")";
    }
}
