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
