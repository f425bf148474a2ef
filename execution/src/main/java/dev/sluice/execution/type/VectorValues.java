package dev.sluice.execution.type;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMilliVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Reads single values out of Sluice's vectors as plain Java objects: Boolean, Integer, Long, Double,
 * String, and {@link LocalDateTime} (UTC) for TIMESTAMP. For the edges of the engine (printing, sinks
 * that encode rows, result sets), never for operators, which stay columnar.
 */
public final class VectorValues {
    /** How TIMESTAMP values are printed and encoded, as in Flink's and Spark's JSON output. */
    public static final DateTimeFormatter TIMESTAMP_FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    private VectorValues() {
    }

    /** The value at {@code row}, or null. */
    public static Object get(FieldVector vector, int row) {
        if (vector.isNull(row)) {
            return null;
        }
        if (vector instanceof BitVector v) {
            return v.get(row) != 0;
        }
        if (vector instanceof IntVector v) {
            return v.get(row);
        }
        if (vector instanceof BigIntVector v) {
            return v.get(row);
        }
        if (vector instanceof Float8Vector v) {
            return v.get(row);
        }
        if (vector instanceof VarCharVector v) {
            return new String(v.get(row), StandardCharsets.UTF_8);
        }
        if (vector instanceof TimeStampMilliVector v) {
            return toLocalDateTime(v.get(row));
        }
        throw new IllegalArgumentException("Unsupported vector " + vector.getClass().getSimpleName());
    }

    /**
     * Sets the value at {@code row} (null sets NULL), growing the vector if needed. The value must be of
     * the vector's Java type as {@link #get} returns it (any Number for numeric vectors).
     */
    public static void set(FieldVector vector, int row, Object value) {
        if (value == null) {
            if (vector instanceof BitVector v) {
                v.setNull(row);
            } else if (vector instanceof IntVector v) {
                v.setNull(row);
            } else if (vector instanceof BigIntVector v) {
                v.setNull(row);
            } else if (vector instanceof Float8Vector v) {
                v.setNull(row);
            } else if (vector instanceof VarCharVector v) {
                v.setNull(row);
            } else if (vector instanceof TimeStampMilliVector v) {
                v.setNull(row);
            }
            return;
        }
        if (vector instanceof BitVector v) {
            v.setSafe(row, ((Boolean) value) ? 1 : 0);
        } else if (vector instanceof IntVector v) {
            v.setSafe(row, ((Number) value).intValue());
        } else if (vector instanceof BigIntVector v) {
            v.setSafe(row, ((Number) value).longValue());
        } else if (vector instanceof Float8Vector v) {
            v.setSafe(row, ((Number) value).doubleValue());
        } else if (vector instanceof VarCharVector v) {
            v.setSafe(row, value.toString().getBytes(StandardCharsets.UTF_8));
        } else if (vector instanceof TimeStampMilliVector v) {
            v.setSafe(row, value instanceof LocalDateTime t ? toEpochMillis(t) : ((Number) value).longValue());
        } else {
            throw new IllegalArgumentException("Unsupported vector " + vector.getClass().getSimpleName());
        }
    }

    /** A new batch of {@code schema} holding {@code rows}, allocated from {@code allocator}; the caller closes it. */
    public static VectorSchemaRoot toBatch(RowSchema schema, List<List<Object>> rows,
                                           org.apache.arrow.memory.BufferAllocator allocator) {
        VectorSchemaRoot root = VectorSchemaRoot.create(schema.toArrowSchema(), allocator);
        try {
            root.allocateNew();
            List<FieldVector> vectors = root.getFieldVectors();
            for (int r = 0; r < rows.size(); r++) {
                List<Object> row = rows.get(r);
                for (int c = 0; c < vectors.size(); c++) {
                    set(vectors.get(c), r, row.get(c));
                }
            }
            root.setRowCount(rows.size());
            return root;
        } catch (RuntimeException e) {
            root.close();
            throw e;
        }
    }

    public static LocalDateTime toLocalDateTime(long epochMillis) {
        return LocalDateTime.ofInstant(Instant.ofEpochMilli(epochMillis), ZoneOffset.UTC);
    }

    public static long toEpochMillis(LocalDateTime value) {
        return value.toInstant(ZoneOffset.UTC).toEpochMilli();
    }

    /** Every row of {@code root} as a list of values, in column order. */
    public static List<List<Object>> rows(VectorSchemaRoot root) {
        List<FieldVector> vectors = root.getFieldVectors();
        List<List<Object>> rows = new ArrayList<>(root.getRowCount());
        for (int r = 0; r < root.getRowCount(); r++) {
            List<Object> row = new ArrayList<>(vectors.size());
            for (FieldVector v : vectors) {
                row.add(get(v, r));
            }
            rows.add(row);
        }
        return rows;
    }

    /** Text for a value as the shell and CSV show it ("NULL" is the caller's choice). */
    public static String format(Object value) {
        if (value instanceof LocalDateTime t) {
            return TIMESTAMP_FORMAT.format(t);
        }
        return String.valueOf(value);
    }
}
