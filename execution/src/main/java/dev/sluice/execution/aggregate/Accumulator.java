package dev.sluice.execution.aggregate;

import dev.sluice.execution.state.ByteArrayReader;
import dev.sluice.execution.state.ByteArrayWriter;
import dev.sluice.execution.type.Column;
import java.util.List;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * The running state of one aggregate for every group of a {@link GroupedAggregation}, held column-wise in
 * Java arrays indexed by group id (no object per group or row), as DataFusion's {@code GroupsAccumulator}.
 * A group's state can be
 * <ul>
 *   <li>fed input rows, each with a weight ({@link #addInput}): +1 adds the row, -1 takes it back
 *       (retracts it), n adds it n times; no weight vector means every row is +1 (append-only input, the
 *       fast path: no per-row weight lookup);</li>
 *   <li>exported as partial-state columns of an Arrow batch and merged back ({@link #writePartial},
 *       {@link #mergePartial}): partial aggregation per task, merged once per batch;</li>
 *   <li>encoded to bytes for the state store and merged back ({@link #writeState}, {@link #mergeState});</li>
 *   <li>turned into the SQL result ({@link #writeResult}).</li>
 * </ul>
 * Every merge is commutative and associative, so partials and stored state may be merged in any order; a
 * partial of retracted rows merged into the state takes them out of it.
 */
public interface Accumulator {
    /** Makes room for groups {@code 0 .. groupCount - 1}; groups not seen before start empty. */
    void ensureCapacity(int groupCount);

    /**
     * Adds rows {@code 0 .. rows - 1} of {@code argument} (null for COUNT(*)) to the groups {@code groupIds[row]},
     * each {@code weights[row]} times (a negative weight retracts), or once when {@code weights} is null.
     *
     * @throws IllegalStateException if a row is retracted from an accumulator planned for inserts only
     */
    void addInput(int[] groupIds, FieldVector argument, IntVector weights, int rows);

    /** The partial-state columns, in order. */
    List<Field> partialFields();

    /** The state as the store's value schema describes it (for its fingerprint). */
    List<Column> stateColumns();

    /** Writes groups {@code 0 .. groupCount - 1} into rows of the partial-state vectors (allocated, not sized). */
    void writePartial(List<FieldVector> partial, int groupCount);

    /** Merges rows {@code 0 .. rows - 1} of partial-state vectors into the groups {@code groupIds[row]}. */
    void mergePartial(int[] groupIds, List<FieldVector> partial, int rows);

    /** Appends the encoded state of {@code group}. */
    void writeState(int group, ByteArrayWriter out);

    /** Merges an encoded state, as {@link #writeState} wrote it, into {@code group}. */
    void mergeState(int group, ByteArrayReader in);

    /** Writes the results of groups {@code 0 .. groupCount - 1} into rows of {@code result} (allocated). */
    void writeResult(FieldVector result, int groupCount);

    /** The weight of {@code row} in {@code weights} (read from its buffer: the vectors carry no NULL weights). */
    static int weight(IntVector weights, int row) {
        return weights.getDataBuffer().getInt((long) row * 4);
    }

    /**
     * Fails if a row of {@code weights} is not an insert: for accumulators whose state can't take a row back
     * (MIN, MAX and COUNT(DISTINCT) keep no count per value when the plan knows their input is append-only).
     */
    static void requireInserts(IntVector weights, int rows, AggregateCall call) {
        if (weights == null) {
            return;
        }
        for (int r = 0; r < rows; r++) {
            if (weight(weights, r) < 0) {
                throw new IllegalStateException("The aggregate " + call + " was planned over rows that are only "
                        + "inserted, but a row was deleted: its state keeps no count per value to take it back");
            }
        }
    }
}
