package dev.sluice.execution.aggregate;

import dev.sluice.execution.state.ByteArrayReader;
import dev.sluice.execution.state.ByteArrayWriter;
import dev.sluice.execution.type.Column;
import java.util.List;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * The running state of one aggregate for every group of a {@link GroupedAggregation}, held column-wise in
 * Java arrays indexed by group id (no object per group or row). A group's state can be
 * <ul>
 *   <li>fed raw input rows ({@link #addInput}),</li>
 *   <li>exported as partial-state columns of an Arrow batch and merged back ({@link #writePartial},
 *       {@link #mergePartial}): partial aggregation per task, merged once per batch,</li>
 *   <li>encoded to bytes for the state store and merged back ({@link #writeState}, {@link #mergeState}),</li>
 *   <li>turned into the SQL result ({@link #writeResult}).</li>
 * </ul>
 * Every merge is commutative and associative, so partials and stored state may be merged in any order.
 */
interface Accumulator {
    /** Makes room for groups {@code 0 .. groupCount - 1}; groups not seen before start empty. */
    void ensureCapacity(int groupCount);

    /** Adds rows {@code 0 .. rows - 1} of {@code argument} (null for COUNT(*)) to the groups {@code groupIds[row]}. */
    void addInput(int[] groupIds, FieldVector argument, int rows);

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

    /** The accumulator of {@code call}. */
    static Accumulator of(AggregateCall call) {
        return switch (call.function()) {
            case COUNT_STAR, COUNT -> new CountAccumulator(call);
            case COUNT_DISTINCT -> new CountDistinctAccumulator(call);
            case SUM, AVG -> call.argumentType() == dev.sluice.execution.type.ColumnType.DOUBLE
                    ? new DoubleSumAccumulator(call) : new LongSumAccumulator(call);
            case MIN, MAX -> switch (call.argumentType()) {
                case DOUBLE -> new DoubleMinMaxAccumulator(call);
                case VARCHAR -> new VarCharMinMaxAccumulator(call);
                default -> new LongMinMaxAccumulator(call);
            };
        };
    }
}
