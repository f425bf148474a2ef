package dev.sluice.execution.operator;

import dev.sluice.execution.changelog.ChangeBatch;
import dev.sluice.execution.changelog.ChangelogMode;
import dev.sluice.execution.state.StateSpec;
import dev.sluice.execution.type.RowSchema;
import java.util.List;
import java.util.Optional;

/**
 * An operator of an incremental plan, run once per micro-batch over the changes its inputs emitted in that
 * batch ({@link ChangeBatch}es), at the batch level (after the per-partition tasks). Every operator reads and
 * writes changelog batches, so any operator's output can feed any other's input.
 *
 * <p>Lifecycle, per micro-batch: {@link Factory#create} with the batch's {@link OperatorContext} (its state
 * opened at the previous batch) &gt; {@link #add} per input batch, in input order &gt; {@link #finish} once
 * (the inputs are complete and the watermark is known: windows close, state is evicted) &gt; {@link #close}.
 * Not thread-safe.
 *
 * <p>Ownership: {@code add} takes ownership of its input batch; the batches {@code add} and {@code finish}
 * return belong to the caller. Operators never return empty batches.
 */
public interface StreamOperator extends AutoCloseable {
    /**
     * Takes one batch of changes from input {@code input} (0 for the first). Returns what the operator emits
     * at once (a stateless operator emits its output here; a stateful one usually waits for {@link #finish}).
     */
    List<ChangeBatch> add(int input, ChangeBatch batch);

    /** The batch's inputs are complete: returns what is left to emit (and updates the state). */
    List<ChangeBatch> finish();

    /** Releases what was not emitted. */
    @Override
    default void close() {
    }

    /**
     * The validated, immutable description of an operator of a plan, shared by every batch of a query (and
     * what EXPLAIN shows); {@link #create}s one operator per micro-batch.
     */
    interface Factory {
        /** The schema of every batch the operator emits. */
        RowSchema outputSchema();

        /** The kind of changes the operator emits (given inputs of the modes the plan checked it with). */
        ChangelogMode changelogMode();

        /**
         * How far the operator's output watermark trails its input watermark: its output rows' event times can
         * be that much behind the input's (an interval join emits a pair when its later row comes).
         */
        default long watermarkDelayMillis() {
            return 0;
        }

        /**
         * Whether the watermark alone, without new rows, changes what the operator emits or keeps (windows
         * close, join rows are evicted): then a batch without new input runs when the watermark moves.
         */
        default boolean usesWatermark() {
            return false;
        }

        /**
         * The keyed state the operator keeps between batches, named {@code operatorId} in the checkpoint; empty
         * for a stateless operator.
         */
        default Optional<StateSpec> state(String operatorId) {
            return Optional.empty();
        }

        /** The operator's kind, the prefix of its state's id: {@code aggregate}, {@code join}, ... */
        default String kind() {
            return "stateless";
        }

        StreamOperator create(OperatorContext context);

        /** One line for EXPLAIN: the operator and its parameters. */
        String describe();
    }
}
