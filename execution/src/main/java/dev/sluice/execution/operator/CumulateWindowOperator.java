package dev.sluice.execution.operator;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.expr.RowSelection;
import dev.sluice.execution.plan.CumulateWindowNode;
import dev.sluice.execution.type.RowSchema;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeStampMilliVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.util.TransferPair;

/**
 * Runs a {@link CumulateWindowNode} in a task: copies each row once per cumulating window it falls in (at most
 * {@code size / step} times) and adds the window's bounds. Stateless; keeps input order (a row's copies are
 * adjacent, by window end); rows with a NULL time are dropped.
 *
 * <p>How: one pass over the time vector computes, per output row, its input row and window end; the input's
 * columns are then gathered with {@link RowSelection#compact} (tight loops over the raw buffers), and the two
 * window columns are written directly.
 *
 * <p>Ownership: {@code process} never modifies or closes its input; the batch it returns belongs to the caller.
 */
public final class CumulateWindowOperator implements BatchOperator {
    private final CumulateWindowNode node;
    private final BufferAllocator allocator;
    private final List<Field> outputFields;
    private int[] positions = new int[0];
    private long[] ends = new long[0];

    public CumulateWindowOperator(CumulateWindowNode node, BufferAllocator allocator) {
        this.node = requireNonNull(node, "node is null");
        this.allocator = requireNonNull(allocator, "allocator is null");
        this.outputFields = node.schema().toArrowSchema().getFields();
    }

    @Override
    public RowSchema outputSchema() {
        return node.schema();
    }

    @Override
    public VectorSchemaRoot process(VectorSchemaRoot input) {
        int rows = input.getRowCount();
        TimeStampMilliVector times = (TimeStampMilliVector) input.getVector(node.timeColumn());
        long step = node.stepMillis();
        long size = node.sizeMillis();
        int perRow = Math.toIntExact(size / step);
        int capacity = rows * perRow;
        if (positions.length < capacity) {
            positions = new int[capacity];
            ends = new long[capacity];
        }
        int count = 0;
        for (int r = 0; r < rows; r++) {
            if (times.isNull(r)) {
                continue;
            }
            long ts = times.get(r);
            long start = Math.floorDiv(ts, size) * size;
            for (long end = start + (Math.floorDiv(ts - start, step) + 1) * step; end <= start + size; end += step) {
                positions[count] = r;
                ends[count] = end;
                count++;
            }
        }
        if (count == 0) {
            return null;
        }
        int width = input.getFieldVectors().size();
        BitSet all = new BitSet();
        all.set(0, width);
        List<FieldVector> vectors = new ArrayList<>(width + 2);
        try (VectorSchemaRoot copies = RowSelection.of(positions, count).compact(input, all, allocator)) {
            for (int c = 0; c < width; c++) {
                TransferPair rename = copies.getVector(c).getTransferPair(outputFields.get(c), allocator);
                rename.transfer();
                vectors.add((FieldVector) rename.getTo());
            }
            TimeStampMilliVector starts = (TimeStampMilliVector) outputFields.get(width).createVector(allocator);
            vectors.add(starts);
            TimeStampMilliVector windowEnds = (TimeStampMilliVector) outputFields.get(width + 1).createVector(allocator);
            vectors.add(windowEnds);
            starts.allocateNew(count);
            windowEnds.allocateNew(count);
            for (int i = 0; i < count; i++) {
                long end = ends[i];
                starts.set(i, Math.floorDiv(end - 1, size) * size);
                windowEnds.set(i, end);
            }
            starts.setValueCount(count);
            windowEnds.setValueCount(count);
        } catch (RuntimeException | Error e) {
            vectors.forEach(FieldVector::close);
            throw e;
        }
        return new VectorSchemaRoot(outputFields, vectors, count);
    }

    @Override
    public String toString() {
        return node.describe();
    }
}
