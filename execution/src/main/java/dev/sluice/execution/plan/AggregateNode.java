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
     *
     * <p>{@code cumulative}: CUMULATE windows, which all start at the start of a window of {@code millis} and end
     * every {@code slideMillis} after it (the step); the rows come one per window they belong to (the window
     * table function expands them), and a window closes by its end, the group key at {@code endKey}.
     * {@code processingTime}: the window's time column is {@code PROCTIME()}, so a window closes when a batch's
     * processing time (its logged time) passes its end, whatever the watermark.
     */
    public record Window(int key, long millis, long slideMillis, boolean session, int endKey, boolean cumulative,
                         boolean processingTime) {
        public Window {
            if (session && millis > 0) {
                slideMillis = millis;
            } else if (millis <= 0 || slideMillis <= 0 || millis % slideMillis != 0) {
                throw new IllegalArgumentException("A window of " + millis + " ms can't " + (cumulative ? "grow" : "start")
                        + " every " + slideMillis + " ms");
            }
            if (cumulative && endKey < 0) {
                throw new IllegalArgumentException("A CUMULATE window aggregation needs window_end among its group keys");
            }
        }

        /** A tumbling or hopping window. */
        public Window(int key, long millis, long slideMillis) {
            this(key, millis, slideMillis, false, -1, false, false);
        }

        /**
         * The same window, whose end is also a group key, at position {@code endKey} (the table-valued
         * form's {@code window_end}): a hopping window shifts it with the start.
         */
        public Window withEndKey(int endKey) {
            return new Window(key, millis, slideMillis, session, endKey, cumulative, processingTime);
        }

        /** The same window over {@code PROCTIME()}. */
        public Window overProcessingTime() {
            return new Window(key, millis, slideMillis, session, endKey, cumulative, true);
        }

        /** A tumbling window. */
        public Window(int key, long millis) {
            this(key, millis, millis);
        }

        /** Session windows: rows of a group less than {@code gapMillis} apart share a session. */
        public static Window session(int key, long gapMillis) {
            return new Window(key, gapMillis, gapMillis, true, -1, false, false);
        }

        /**
         * CUMULATE windows of at most {@code maxMillis}, growing by {@code stepMillis}, their start the group key
         * at {@code key} and their end the one at {@code endKey}.
         */
        public static Window cumulate(int key, int endKey, long stepMillis, long maxMillis) {
            return new Window(key, maxMillis, stepMillis, false, endKey, true, false);
        }

        /**
         * How many windows the aggregation adds each row to (a CUMULATE window's rows come expanded, one per
         * window).
         */
        public int windowsPerRow() {
            return cumulative || session ? 1 : Math.toIntExact(millis / slideMillis);
        }

        /**
         * The group key the window closes by, and how long after it: a window is final once the watermark (or,
         * over processing time, a batch's time) reaches that key's value plus this.
         */
        public int closingKey() {
            return cumulative ? endKey : key;
        }

        /** See {@link #closingKey()}. */
        public long closingDelayMillis() {
            return cumulative ? 0 : millis;
        }

        @Override
        public String toString() {
            String time = processingTime ? " over processing time" : "";
            if (session) {
                return "sessions with a " + millis + " ms gap";
            }
            if (cumulative) {
                return "cumulating every " + slideMillis + " ms up to " + millis + " ms" + time;
            }
            return (millis == slideMillis ? millis + " ms tumbling" : millis + " ms hopping every " + slideMillis + " ms")
                    + time;
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
