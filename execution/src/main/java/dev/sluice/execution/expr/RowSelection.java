package dev.sluice.execution.expr;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.type.ColumnType;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * Some rows of a batch, as ascending row positions: what a filter keeps, or the rows a CASE branch (or a
 * retried AND/OR operand) must be evaluated on. Copies of those rows are made with tight loops over the
 * raw buffers ({@link #compact}).
 *
 * <p>A selection may wrap a caller's reusable array (see {@link #whereTrue}); it is only valid until that
 * array is reused.
 */
public final class RowSelection {
    private final int[] positions;
    private final int count;

    private RowSelection(int[] positions, int count) {
        this.positions = positions;
        this.count = count;
    }

    /** The first {@code count} entries of {@code positions}, which must ascend. Not copied. */
    public static RowSelection of(int[] positions, int count) {
        requireNonNull(positions, "positions is null");
        if (count < 0 || count > positions.length) {
            throw new IllegalArgumentException("count " + count + " out of range");
        }
        return new RowSelection(positions, count);
    }

    /**
     * The rows of a BOOLEAN vector that are TRUE (NULL counts as false), among its first {@code rows}.
     *
     * @param scratch where the positions are written if it holds {@code rows} ints; else a new array is used
     */
    public static RowSelection whereTrue(FieldVector condition, int rows, int[] scratch) {
        if (!(condition instanceof BitVector bits)) {
            throw new IllegalArgumentException("a condition must be BOOLEAN, got " + condition.getField().getType());
        }
        int[] positions = scratch != null && scratch.length >= rows ? scratch : new int[rows];
        long data = bits.getDataBufferAddress();
        long validity = bits.getValidityBufferAddress();
        int count = 0;
        for (int w = 0, words = Bits.words(rows); w < words; w++) {
            long word = Bits.readWord(data, w, rows) & Bits.readWord(validity, w, rows);
            int base = w << 6;
            while (word != 0) {
                positions[count++] = base + Long.numberOfTrailingZeros(word);
                word &= word - 1;
            }
        }
        return new RowSelection(positions, count);
    }

    public int count() {
        return count;
    }

    /** Row position of the {@code k}-th selected row. */
    public int position(int k) {
        return positions[k];
    }

    /**
     * A new batch holding the selected rows of {@code columns} of {@code batch}, in order; the other columns
     * are empty placeholders (same fields, no rows) so column indexes stay valid. The caller closes it;
     * {@code batch} is not modified.
     */
    public VectorSchemaRoot compact(VectorSchemaRoot batch, BitSet columns, BufferAllocator allocator) {
        List<Field> fields = new ArrayList<>(batch.getFieldVectors().size());
        List<FieldVector> vectors = new ArrayList<>(fields.size());
        try {
            for (int c = 0; c < batch.getFieldVectors().size(); c++) {
                FieldVector source = batch.getVector(c);
                fields.add(source.getField());
                vectors.add(columns.get(c) ? compact(source, allocator) : source.getField().createVector(allocator));
            }
        } catch (RuntimeException | Error e) {
            vectors.forEach(FieldVector::close);
            throw e;
        }
        return new VectorSchemaRoot(fields, vectors, count);
    }

    /** A new vector of the selected rows of {@code source}, named like it; the caller closes it. */
    public FieldVector compact(FieldVector source, BufferAllocator allocator) {
        ColumnType type = ColumnType.fromArrow(source.getField().getType());
        FieldVector target = source.getField().createVector(allocator);
        try {
            int capacity = Bits.words(Math.max(count, 1)) << 6;
            if (target instanceof VarCharVector varchar) {
                compactVarchar((VarCharVector) source, varchar, capacity);
            } else {
                ((BaseFixedWidthVector) target).allocateNew(capacity);
                compactFixedWidth(type, source, target);
            }
            compactValidity(source, target.getValidityBufferAddress());
            target.setValueCount(count);
            return target;
        } catch (RuntimeException | Error e) {
            target.close();
            throw e;
        }
    }

    private void compactFixedWidth(ColumnType type, FieldVector source, FieldVector target) {
        long from = source.getDataBufferAddress();
        long to = target.getDataBufferAddress();
        switch (type) {
            case BOOLEAN -> gatherBits(from, to);
            case INTEGER -> {
                for (int k = 0; k < count; k++) {
                    MemoryUtil.putInt(to + ((long) k << 2), MemoryUtil.getInt(from + ((long) positions[k] << 2)));
                }
            }
            default -> {
                for (int k = 0; k < count; k++) {
                    MemoryUtil.putLong(to + ((long) k << 3), MemoryUtil.getLong(from + ((long) positions[k] << 3)));
                }
            }
        }
    }

    private void compactVarchar(VarCharVector source, VarCharVector target, int capacity) {
        long fromOffsets = source.getOffsetBufferAddress();
        long bytes = 0;
        for (int k = 0; k < count; k++) {
            long at = fromOffsets + ((long) positions[k] << 2);
            bytes += MemoryUtil.getInt(at + 4) - MemoryUtil.getInt(at);
        }
        target.allocateNew(Math.max(bytes, 1), capacity);
        long fromData = source.getDataBufferAddress();
        long toData = target.getDataBufferAddress();
        long toOffsets = target.getOffsetBufferAddress();
        int offset = 0;
        MemoryUtil.putInt(toOffsets, 0);
        for (int k = 0; k < count; k++) {
            long at = fromOffsets + ((long) positions[k] << 2);
            int start = MemoryUtil.getInt(at);
            int length = MemoryUtil.getInt(at + 4) - start;
            MemoryUtil.copyMemory(fromData + start, toData + offset, length);
            offset += length;
            MemoryUtil.putInt(toOffsets + ((long) (k + 1) << 2), offset);
        }
        // The offsets were written directly: tell the vector so setValueCount does not "fill holes".
        target.setLastSet(count - 1);
    }

    private void compactValidity(FieldVector source, long to) {
        if (source.getNullCount() == 0) {
            for (int w = 0, words = Bits.words(count); w < words; w++) {
                Bits.writeWord(to, w, Bits.tailMask(count - (w << 6)));
            }
        } else {
            gatherBits(source.getValidityBufferAddress(), to);
        }
    }

    private void gatherBits(long from, long to) {
        for (int w = 0, words = Bits.words(count); w < words; w++) {
            int base = w << 6;
            int end = Math.min(64, count - base);
            long word = 0;
            for (int j = 0; j < end; j++) {
                word |= (long) ((MemoryUtil.getByte(from + (positions[base + j] >>> 3)) >> (positions[base + j] & 7)) & 1) << j;
            }
            Bits.writeWord(to, w, word);
        }
    }

    /**
     * Evaluates {@code expr} over the selected rows only: a vector of {@link #count()} rows, owned by the
     * caller. {@code columns} are the columns {@code expr} reads (see {@link InputColumns}).
     */
    FieldVector evaluate(PhysicalExpr expr, BitSet columns, VectorSchemaRoot batch, BufferAllocator allocator) {
        try (VectorSchemaRoot selected = compact(batch, columns, allocator)) {
            return expr.evaluate(selected, allocator);
        }
    }

    /**
     * Spreads a result computed over the selected rows back to a vector of {@code rows} rows (NULL where not
     * selected); the caller owns it.
     */
    FieldVector scatter(Operand selectedValues, int rows, BufferAllocator allocator) {
        try (VectorWriter out = VectorWriter.allocate(selectedValues.type(), rows, allocator)) {
            for (int k = 0; k < count; k++) {
                out.copy(positions[k], selectedValues, k);
            }
            return out.finish();
        }
    }
}
