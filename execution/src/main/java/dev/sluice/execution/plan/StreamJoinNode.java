package dev.sluice.execution.plan;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.type.RowSchema;
import java.util.ArrayList;
import java.util.List;

/**
 * An inner join of two streams on equal keys and an event-time bound:
 * {@code left.time BETWEEN right.time + lowerMillis AND right.time + upperMillis}. Each side's rows wait in
 * the join's state (checkpointed, versioned by batch) for the other side's; a pair is emitted once, in the
 * batch where its later row arrives. A row leaves the state when the watermark passes the last time a row of
 * the other side could still match it. Output: the left side's columns, then the right side's.
 */
public record StreamJoinNode(PhysicalNode left, PhysicalNode right, List<Integer> leftKeys, List<Integer> rightKeys,
                             int leftTime, int rightTime, long lowerMillis, long upperMillis, RowSchema schema)
        implements PhysicalNode {
    public StreamJoinNode {
        requireNonNull(left, "left is null");
        requireNonNull(right, "right is null");
        leftKeys = List.copyOf(leftKeys);
        rightKeys = List.copyOf(rightKeys);
        requireNonNull(schema, "schema is null");
        if (leftKeys.isEmpty() || leftKeys.size() != rightKeys.size()) {
            throw new IllegalArgumentException("A stream join needs as many keys on each side, at least one");
        }
        if (lowerMillis > upperMillis) {
            throw new IllegalArgumentException("The time bound of a stream join is empty: " + lowerMillis + " ms > "
                    + upperMillis + " ms");
        }
    }

    @Override
    public List<PhysicalNode> inputs() {
        return List.of(left, right);
    }

    @Override
    public boolean isStateful() {
        return true;
    }

    @Override
    public String describe() {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < leftKeys.size(); i++) {
            keys.add(left.schema().column(leftKeys.get(i)).name() + " = "
                    + right.schema().column(rightKeys.get(i)).name());
        }
        return "StreamJoin(keys=" + keys + ", " + left.schema().column(leftTime).name() + " BETWEEN "
                + right.schema().column(rightTime).name() + " + " + lowerMillis + " ms AND + " + upperMillis
                + " ms, state=rows of both sides until the watermark passes their bound)";
    }
}
