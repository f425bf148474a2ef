package dev.sluice.execution.changelog;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * What the changes a plan node emits can contain, inferred bottom-up when the plan is built (as Flink's
 * changelog-mode inference does): the operator above picks its algorithm from it, or refuses.
 *
 * @param kind inserts only, or updates too
 * @param key for {@link Kind#UPSERT}: the columns that identify a row, of which the latest emitted value is
 *     the current one; empty otherwise
 */
public record ChangelogMode(Kind kind, List<Integer> key) {
    /** The kinds of changelog, from the most to the least constrained. */
    public enum Kind {
        /** Every row is an insert, emitted once and never changed (a stream, a closed window). */
        APPEND,
        /**
         * Rows replace the earlier row of the same key (an aggregate's groups as they change, a table of upserts
         * read by an operator keeping the latest row per key): each emitted row (+1) is the key's new value; a
         * row of weight -1 deletes its key (a tombstone: only the key's columns are set).
         */
        UPSERT,
        /** Inserts and deletes with weights (a Z-set): any change, each row retracted explicitly. */
        RETRACT
    }

    public static final ChangelogMode APPEND = new ChangelogMode(Kind.APPEND, List.of());

    public ChangelogMode {
        requireNonNull(kind, "kind is null");
        key = List.copyOf(key);
    }

    public static ChangelogMode upsert(List<Integer> key) {
        return new ChangelogMode(Kind.UPSERT, key);
    }

    public boolean isAppendOnly() {
        return kind == Kind.APPEND;
    }

    @Override
    public String toString() {
        return switch (kind) {
            case APPEND -> "append";
            case UPSERT -> "upsert by " + key;
            case RETRACT -> "retract";
        };
    }
}
