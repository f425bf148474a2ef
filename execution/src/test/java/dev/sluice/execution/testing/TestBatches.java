package dev.sluice.execution.testing;

import dev.sluice.execution.changelog.ChangeBatch;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.RowSchema;
import dev.sluice.execution.type.VectorValues;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMilliVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Builds Arrow batches from Java values for tests: Boolean, Integer, Long, Double, String, and
 * {@link LocalDateTime} or Long epoch millis for TIMESTAMP; null for NULL. The caller closes the batch.
 */
public final class TestBatches {
    private TestBatches() {
    }

    /** A batch of {@code schema} holding {@code rows} (one Object[] per row). */
    public static VectorSchemaRoot of(BufferAllocator allocator, RowSchema schema, Object[]... rows) {
        return of(allocator, schema, Arrays.stream(rows).map(Arrays::asList).toList());
    }

    public static VectorSchemaRoot of(BufferAllocator allocator, RowSchema schema, List<List<Object>> rows) {
        VectorSchemaRoot root = VectorSchemaRoot.create(schema.toArrowSchema(), allocator);
        try {
            root.allocateNew();
            for (int r = 0; r < rows.size(); r++) {
                List<Object> row = rows.get(r);
                if (row.size() != schema.size()) {
                    throw new IllegalArgumentException("row " + r + " has " + row.size() + " values for " + schema.size() + " columns");
                }
                for (int c = 0; c < schema.size(); c++) {
                    set(root.getVector(c), r, row.get(c));
                }
            }
            root.setRowCount(rows.size());
            return root;
        } catch (RuntimeException e) {
            root.close();
            throw e;
        }
    }

    /** A one-column batch. */
    public static VectorSchemaRoot column(BufferAllocator allocator, Column column, Object... values) {
        List<List<Object>> rows = new ArrayList<>();
        for (Object v : values) {
            rows.add(Arrays.asList(v));
        }
        return of(allocator, RowSchema.of(column), rows);
    }

    private static void set(FieldVector vector, int row, Object value) {
        if (value == null) {
            if (vector instanceof VarCharVector v) {
                v.setNull(row);
            } else {
                ((org.apache.arrow.vector.BaseFixedWidthVector) vector).setNull(row);
            }
            return;
        }
        if (vector instanceof BitVector v) {
            v.setSafe(row, (Boolean) value ? 1 : 0);
        } else if (vector instanceof IntVector v) {
            v.setSafe(row, (Integer) value);
        } else if (vector instanceof BigIntVector v) {
            v.setSafe(row, ((Number) value).longValue());
        } else if (vector instanceof Float8Vector v) {
            v.setSafe(row, ((Number) value).doubleValue());
        } else if (vector instanceof VarCharVector v) {
            v.setSafe(row, ((String) value).getBytes(StandardCharsets.UTF_8));
        } else if (vector instanceof TimeStampMilliVector v) {
            v.setSafe(row, value instanceof LocalDateTime t ? VectorValues.toEpochMillis(t) : (Long) value);
        } else {
            throw new IllegalArgumentException("unsupported vector " + vector.getClass().getSimpleName());
        }
    }

    /** Every value of a vector (as {@link VectorValues#get} reads them). */
    public static List<Object> values(FieldVector vector) {
        List<Object> values = new ArrayList<>(vector.getValueCount());
        for (int i = 0; i < vector.getValueCount(); i++) {
            values.add(VectorValues.get(vector, i));
        }
        return values;
    }

    /** Shorthand for a timestamp value, e.g. {@code ts("2024-03-01 12:30:00")}. */
    public static LocalDateTime ts(String text) {
        return LocalDateTime.parse(text.replace(' ', 'T'));
    }

    /** The rows of an operator's output, each with its weight (+1 or -1) first; closes every batch. */
    public static List<List<Object>> weightedRows(List<ChangeBatch> outputs) {
        List<List<Object>> changes = new ArrayList<>();
        for (ChangeBatch out : outputs) {
            try (out) {
                List<List<Object>> rows = VectorValues.rows(out.rows());
                for (int i = 0; i < rows.size(); i++) {
                    List<Object> change = new ArrayList<>();
                    change.add(out.weight(i));
                    change.addAll(rows.get(i));
                    changes.add(change);
                }
            }
        }
        return changes;
    }
}
