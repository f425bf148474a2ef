package dev.sluice.execution.plan;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.aggregate.AggregateCall;
import dev.sluice.execution.type.RowSchema;
import java.util.List;
import java.util.Optional;

/**
 * GROUP BY {@code groupKeys} computing {@code calls}: partially in each task (per partition), then merged
 * once per batch into the keyed state of the previous batches. Output: the group keys, then the
 * aggregates. Stateful on streams: its state lives in the checkpoint ({@code state/aggregate}), versioned
 * by batch id. Emits the groups changed by the batch (update mode) or every group (complete mode).
 */
public record AggregateNode(PhysicalNode input, List<Integer> groupKeys, List<AggregateCall> calls, RowSchema schema,
                            Optional<Window> window) implements PhysicalNode {
    /**
     * An event-time window among the group keys: the key at position {@code key} of the group keys is the
     * window's start, windows last {@code millis} and start every {@code slideMillis}: tumbling windows when
     * both are equal, hopping (sliding) windows when the slide is shorter, a row then belonging to
     * {@code millis / slideMillis} windows. With a watermark, closed windows leave the state.
     */
    public record Window(int key, long millis, long slideMillis, boolean session, int endKey) {
        public Window {
            if (session && millis > 0) {
                slideMillis = millis;
            } else if (millis <= 0 || slideMillis <= 0 || millis % slideMillis != 0) {
                throw new IllegalArgumentException("A window of " + millis + " ms can't start every " + slideMillis
                        + " ms");
            }
        }

        /** A tumbling or hopping window. */
        public Window(int key, long millis, long slideMillis) {
            this(key, millis, slideMillis, false, -1);
        }

        /**
         * The same window, whose end is also a group key, at position {@code endKey} (the table-valued
         * form's {@code window_end}): a hopping window shifts it with the start.
         */
        public Window withEndKey(int endKey) {
            return new Window(key, millis, slideMillis, session, endKey);
        }

        /** A tumbling window. */
        public Window(int key, long millis) {
            this(key, millis, millis);
        }

        /** Session windows: rows of a group less than {@code gapMillis} apart share a session. */
        public static Window session(int key, long gapMillis) {
            return new Window(key, gapMillis, gapMillis, true, -1);
        }

        /** How many windows each row belongs to. */
        public int windowsPerRow() {
            return Math.toIntExact(millis / slideMillis);
        }

        @Override
        public String toString() {
            if (session) {
                return "sessions with a " + millis + " ms gap";
            }
            return millis == slideMillis ? millis + " ms tumbling" : millis + " ms hopping every " + slideMillis + " ms";
        }
    }

    public AggregateNode {
        requireNonNull(input, "input is null");
        groupKeys = List.copyOf(groupKeys);
        calls = List.copyOf(calls);
        requireNonNull(schema, "schema is null");
        requireNonNull(window, "window is null");
    }

    @Override
    public List<PhysicalNode> inputs() {
        return List.of(input);
    }

    @Override
    public boolean isStateful() {
        return true;
    }

    @Override
    public String describe() {
        List<String> keys = groupKeys.stream().map(i -> input.schema().column(i).name()).toList();
        return "HashAggregate(group=" + keys + ", aggregates=" + calls + ", state=keyed by group"
                + window.map(w -> ", window=" + w + " on " + keys.get(w.key())).orElse("") + ")";
    }
}
