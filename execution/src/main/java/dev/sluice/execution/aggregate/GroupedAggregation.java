package dev.sluice.execution.aggregate;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.state.ByteArrayReader;
import dev.sluice.execution.state.ByteArrayWriter;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.RowSchema;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * The groups of a GROUP BY and the running aggregates of each, in Java memory (no Arrow buffers to close).
 * Group keys are byte-encoded a column at a time over whole batches ({@link KeyColumn}) and given dense ids
 * by a {@link GroupByHash}; each aggregate keeps its state in arrays indexed by group id
 * ({@link Accumulator}), so the per-row work is: encode, hash, probe, then one array update per aggregate.
 *
 * <p>Groups are numbered in the order they are first seen, and results are written in that order.
 *
 * <p>Three kinds of input merge into the same groups, in any order: raw rows ({@link #addInput}), partial
 * states from another instance ({@link #addPartial}, as {@link #writePartial} wrote them), and encoded states
 * from a state store ({@link #addState}, as {@link #key} and {@link #state} give them). Not thread-safe.
 *
 * <p>Retraction: an aggregation built {@code retracting} takes rows with weights (a Z-set: -1 deletes a row
 * added before), its accumulators keep what they need to take a row back, and it counts each group's rows
 * ({@link #rowCount}, the first column of its partial and stored state) so that the caller knows when a group
 * is empty and must disappear. Built for append-only input, it refuses deleted rows and keeps the cheaper
 * state it always had (the same bytes in the checkpoint).
 */
public final class GroupedAggregation {
    private final List<ColumnType> keyTypes;
    private final List<AggregateCall> calls;
    private final boolean retracting;
    /** Each group's rows (sum of weights), when retracting; else null. */
    private final CountAccumulator rowCounts;
    private final KeyColumn[] keyColumns;
    private final Accumulator[] accumulators;
    private final GroupByHash groups = new GroupByHash();
    private final ByteArrayWriter stateBuffer = new ByteArrayWriter();
    /** Rows whose keys are encoded at a time: bounds the encoded keys' buffer (and keeps it off G1's humongous regions). */
    private static final int CHUNK_ROWS = 1024;
    /** Per batch, reused: each row's group id; per chunk of rows: key offsets and lengths, and the encoded keys. */
    private int[] groupIds = new int[0];
    private final int[] keyOffsets = new int[CHUNK_ROWS + 1];
    private final int[] positions = new int[CHUNK_ROWS];
    private byte[] keyBuffer = new byte[0];

    /** An aggregation of append-only input. */
    public GroupedAggregation(List<ColumnType> keyTypes, List<AggregateCall> calls) {
        this(keyTypes, calls, false);
    }

    /** @param retracting whether input rows may be deleted (come with negative weights) */
    public GroupedAggregation(List<ColumnType> keyTypes, List<AggregateCall> calls, boolean retracting) {
        this.keyTypes = List.copyOf(keyTypes);
        this.calls = List.copyOf(calls);
        this.retracting = retracting;
        this.keyColumns = this.keyTypes.stream().map(KeyColumn::of).toArray(KeyColumn[]::new);
        List<Accumulator> all = new ArrayList<>();
        this.rowCounts = retracting ? new CountAccumulator("$rows") : null;
        if (rowCounts != null) {
            all.add(rowCounts);
        }
        this.calls.forEach(c -> all.add(c.accumulator(retracting)));
        this.accumulators = all.toArray(Accumulator[]::new);
    }

    public boolean retracting() {
        return retracting;
    }

    /**
     * The rows of {@code group} (inserted minus deleted) in a retracting aggregation: 0 when every row of the
     * group was taken back, and the group should be removed.
     */
    public long rowCount(int group) {
        if (rowCounts == null) {
            throw new IllegalStateException("an aggregation of append-only input counts no rows per group");
        }
        return rowCounts.count(group);
    }

    /** The partial-state columns after the key columns of a partial batch, all aggregates in order. */
    public List<Field> partialStateFields() {
        List<Field> fields = new ArrayList<>();
        for (Accumulator a : accumulators) {
            fields.addAll(a.partialFields());
        }
        return fields;
    }

    /** The value schema of the encoded {@link #state}: every aggregate's state columns in order. */
    public RowSchema stateSchema() {
        List<Column> columns = new ArrayList<>();
        for (Accumulator a : accumulators) {
            columns.addAll(a.stateColumns());
        }
        return new RowSchema(columns);
    }

    /**
     * Adds raw rows: the group key is columns {@code keyChannels} of {@code input}, each aggregate reads its
     * {@link AggregateCall#argument()} column. The input stays the caller's.
     */
    public void addInput(VectorSchemaRoot input, int[] keyChannels) {
        addInput(input, keyChannels, null);
    }

    /**
     * As {@link #addInput(VectorSchemaRoot, int[])}, each row {@code weights[row]} times (-1: deleted), or once
     * when {@code weights} is null.
     *
     * @throws IllegalStateException if a row is deleted from an aggregation built for append-only input
     */
    public void addInput(VectorSchemaRoot input, int[] keyChannels, IntVector weights) {
        int rows = input.getRowCount();
        if (rows == 0) {
            return;
        }
        if (weights != null && !retracting) {
            for (int r = 0; r < rows; r++) {
                if (Accumulator.weight(weights, r) < 0) {
                    throw new IllegalStateException("An aggregation " + calls + " planned over rows that are only "
                            + "inserted got a deleted row");
                }
            }
        }
        FieldVector[] keys = new FieldVector[keyChannels.length];
        for (int c = 0; c < keys.length; c++) {
            keys[c] = input.getVector(keyChannels[c]);
        }
        assignGroups(keys, rows);
        int first = 0;
        if (rowCounts != null) {
            rowCounts.addInput(groupIds, null, weights, rows);
            first = 1;
        }
        for (int i = first; i < accumulators.length; i++) {
            int argument = calls.get(i - first).argument();
            accumulators[i].addInput(groupIds, argument < 0 ? null : input.getVector(argument), weights, rows);
        }
    }

    /** Merges a partial batch: key columns, then {@link #partialStateFields()}. The input stays the caller's. */
    public void addPartial(VectorSchemaRoot partial) {
        int rows = partial.getRowCount();
        if (rows == 0) {
            return;
        }
        List<FieldVector> vectors = partial.getFieldVectors();
        int k = keyColumns.length;
        assignGroups(vectors.subList(0, k).toArray(FieldVector[]::new), rows);
        int column = k;
        for (Accumulator a : accumulators) {
            int width = a.partialFields().size();
            a.mergePartial(groupIds, vectors.subList(column, column + width), rows);
            column += width;
        }
    }

    /** Merges a stored state into the group of {@code key} (an encoded key as {@link #key} returns it). */
    public void addState(byte[] key, byte[] state) {
        mergeState(addKey(key), state);
    }

    /** The group of the encoded key {@code key}, added (empty) if new. */
    public int addKey(byte[] key) {
        int group = groups.putIfAbsent(key, 0, key.length);
        ensureCapacity(groups.groupCount());
        return group;
    }

    /**
     * The group of the key {@code values} (Java values as {@link dev.sluice.execution.type.VectorValues#get}
     * returns them, one per key column), added (empty) if new.
     */
    public int addKey(List<?> values) {
        if (values.size() != keyColumns.length) {
            throw new IllegalArgumentException(values.size() + " key values for key columns " + keyTypes);
        }
        ByteArrayWriter out = new ByteArrayWriter();
        for (int c = 0; c < keyColumns.length; c++) {
            keyColumns[c].writeObject(values.get(c), out);
        }
        return addKey(out.toByteArray());
    }

    /** Merges a stored state, as {@link #state} encodes it, into {@code group}. */
    public void mergeState(int group, byte[] state) {
        requireNonNull(state, "state is null");
        ByteArrayReader in = new ByteArrayReader(state);
        for (Accumulator a : accumulators) {
            a.mergeState(group, in);
        }
        if (in.hasRemaining()) {
            throw new IllegalStateException("stored aggregate state has " + (state.length - in.position())
                    + " bytes more than " + stateSchema() + " takes");
        }
    }

    public int groupCount() {
        return groups.groupCount();
    }

    /** The encoded key of {@code group} (a new array). */
    public byte[] key(int group) {
        return groups.key(group);
    }

    /** The encoded state of every aggregate of {@code group} (a new array). */
    public byte[] state(int group) {
        stateBuffer.reset();
        for (Accumulator a : accumulators) {
            a.writeState(group, stateBuffer);
        }
        return stateBuffer.toByteArray();
    }

    /**
     * Writes every group into {@code out} (allocated, of key columns then {@link #partialStateFields()}) and
     * sets its row count.
     */
    public void writePartial(VectorSchemaRoot out) {
        int groupCount = groups.groupCount();
        List<FieldVector> vectors = out.getFieldVectors();
        writeKeys(vectors, groupCount);
        int column = keyColumns.length;
        for (Accumulator a : accumulators) {
            int width = a.partialFields().size();
            List<FieldVector> partial = vectors.subList(column, column + width);
            a.writePartial(partial, groupCount);
            partial.forEach(v -> v.setValueCount(groupCount));
            column += width;
        }
        out.setRowCount(groupCount);
    }

    /**
     * Writes every group's key and results into {@code out} (allocated, of the key columns then one column per
     * aggregate of its result type) and sets its row count.
     */
    public void writeResults(VectorSchemaRoot out) {
        int groupCount = groups.groupCount();
        List<FieldVector> vectors = out.getFieldVectors();
        writeKeys(vectors, groupCount);
        int first = rowCounts == null ? 0 : 1;
        for (int i = first; i < accumulators.length; i++) {
            FieldVector result = vectors.get(keyColumns.length + i - first);
            accumulators[i].writeResult(result, groupCount);
            result.setValueCount(groupCount);
        }
        out.setRowCount(groupCount);
    }

    private void writeKeys(List<FieldVector> vectors, int groupCount) {
        byte[] keys = groups.keyBytes();
        for (int g = 0; g < groupCount; g++) {
            int offset = groups.keyOffset(g);
            for (int c = 0; c < keyColumns.length; c++) {
                offset = keyColumns[c].read(keys, offset, vectors.get(c), g);
            }
        }
        for (int c = 0; c < keyColumns.length; c++) {
            vectors.get(c).setValueCount(groupCount);
        }
    }

    /**
     * Encodes the key of each row (column by column, {@value #CHUNK_ROWS} rows at a time, so the encoded keys stay
     * small and in cache whatever the batch size) and sets {@code groupIds[row]}. A row whose key is the previous
     * row's (a constant key, such as the partition a task reads, or runs of sorted keys) takes its group without
     * a hash lookup.
     */
    private void assignGroups(FieldVector[] keys, int rows) {
        if (groupIds.length < rows) {
            groupIds = new int[rows];
        }
        boolean[] nulls = new boolean[keys.length];
        for (int c = 0; c < keys.length; c++) {
            nulls[c] = keys[c].getNullCount() > 0;
        }
        for (int from = 0; from < rows; from += CHUNK_ROWS) {
            int count = Math.min(CHUNK_ROWS, rows - from);
            encodeKeys(keys, nulls, from, count);
            lookUpGroups(from, count);
        }
        ensureCapacity(groups.groupCount());
    }

    /** Encodes the keys of rows {@code from .. from + count - 1} into {@code keyBuffer} at {@code keyOffsets[0 .. count]}. */
    private void encodeKeys(FieldVector[] keys, boolean[] nulls, int from, int count) {
        int[] lengths = positions;
        Arrays.fill(lengths, 0, count, 0);
        for (int c = 0; c < keys.length; c++) {
            keyColumns[c].addLengths(keys[c], from, count, nulls[c], lengths);
        }
        int total = 0;
        for (int i = 0; i < count; i++) {
            keyOffsets[i] = total;
            total += lengths[i];
        }
        keyOffsets[count] = total;
        if (keyBuffer.length < total) {
            keyBuffer = new byte[Math.max(total, keyBuffer.length * 2)];
        }
        System.arraycopy(keyOffsets, 0, positions, 0, count);
        for (int c = 0; c < keys.length; c++) {
            keyColumns[c].write(keys[c], from, count, nulls[c], keyBuffer, positions);
        }
    }

    /** Sets {@code groupIds[from + i]} to the group of the {@code i}-th key {@link #encodeKeys} encoded. */
    private void lookUpGroups(int from, int count) {
        byte[] keys = keyBuffer;
        int previousStart = 0;
        int previousLength = -1;
        int group = -1;
        for (int i = 0; i < count; i++) {
            int start = keyOffsets[i];
            int length = keyOffsets[i + 1] - start;
            if (length != previousLength || !GroupByHash.equal(keys, start, keys, previousStart, length)) {
                group = groups.putIfAbsent(keys, start, length);
            }
            groupIds[from + i] = group;
            previousStart = start;
            previousLength = length;
        }
    }

    private void ensureCapacity(int groupCount) {
        for (Accumulator a : accumulators) {
            a.ensureCapacity(groupCount);
        }
    }

    public List<ColumnType> keyTypes() {
        return keyTypes;
    }

    public List<AggregateCall> calls() {
        return calls;
    }
}
