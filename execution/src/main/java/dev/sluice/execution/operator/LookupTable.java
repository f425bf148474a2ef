package dev.sluice.execution.operator;

import dev.sluice.execution.state.ByteArrayWriter;
import dev.sluice.execution.state.RowCodec;
import dev.sluice.execution.type.ColumnType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMilliVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * The static side of a lookup join for one micro-batch: its rows by join key. Built once per batch, then
 * read by every task at once (immutable after {@link #build}). Rows with a NULL key are left out: in SQL a
 * NULL key matches nothing.
 *
 * <p>Rows are kept encoded ({@link RowCodec}, every column of the side), keys as their bytes ({@link #key}),
 * both straight from the vectors: no Java object per value. A probe copies the matches back into vectors.
 */
public final class LookupTable {
    private final Map<EncodedKey, List<byte[]>> rowsByKey;
    private final int width;

    private LookupTable(Map<EncodedKey, List<byte[]>> rowsByKey, int width) {
        this.rowsByKey = rowsByKey;
        this.width = width;
    }

    /** The rows of {@code batches} (which stay the caller's) by the values of the {@code keys} columns. */
    public static LookupTable build(List<VectorSchemaRoot> batches, List<Integer> keys, int width) {
        return build(batches, keys, width, List.of());
    }

    /**
     * As {@link #build(List, List, int)}, of a table with a primary key ({@code primaryKey}, not empty): only
     * the latest row per key (the last read) joins, as the table is once Kafka has compacted its topic.
     */
    public static LookupTable build(List<VectorSchemaRoot> batches, List<Integer> keys, int width,
                                    List<Integer> primaryKey) {
        int[] keyColumns = keys.stream().mapToInt(Integer::intValue).toArray();
        int[] primaryColumns = primaryKey.stream().mapToInt(Integer::intValue).toArray();
        ByteArrayWriter scratch = new ByteArrayWriter();
        // Each row with its join key: in the order read, only the latest per primary key if there is one.
        Map<EncodedKey, byte[][]> latest = new LinkedHashMap<>();
        List<byte[][]> rows = new ArrayList<>();
        for (VectorSchemaRoot batch : batches) {
            List<FieldVector> vectors = batch.getFieldVectors();
            for (int r = 0; r < batch.getRowCount(); r++) {
                byte[] key = key(batch, keyColumns, r, scratch);
                scratch.reset();
                RowCodec.write(vectors, r, scratch);
                byte[][] row = {key, scratch.toByteArray()};
                if (primaryColumns.length == 0) {
                    rows.add(row);
                    continue;
                }
                byte[] pk = key(batch, primaryColumns, r, scratch);
                // Rows with a NULL primary key column share one (empty) key: the last of them is kept.
                latest.put(new EncodedKey(pk == null ? new byte[0] : pk), row);
            }
        }
        if (primaryColumns.length > 0) {
            rows = new ArrayList<>(latest.values());
        }
        Map<EncodedKey, List<byte[]>> byKey = new HashMap<>();
        for (byte[][] row : rows) {
            if (row[0] != null) {
                byKey.computeIfAbsent(new EncodedKey(row[0]), k -> new ArrayList<>()).add(row[1]);
            }
        }
        return new LookupTable(byKey, width);
    }

    /** The encoded rows whose key is {@code key} (as {@link #key} encodes it); none for a NULL key. */
    List<byte[]> matches(byte[] key) {
        return key == null ? List.of() : rowsByKey.getOrDefault(new EncodedKey(key), List.of());
    }

    /** The number of columns of a row. */
    int width() {
        return width;
    }

    public int size() {
        return rowsByKey.values().stream().mapToInt(List::size).sum();
    }

    /**
     * The join key of row {@code row}, columns {@code keys} of {@code batch}: per column its type (INTEGER and
     * BIGINT as one: integral keys compare as longs) and its value in the row encoding; null if a key column is
     * NULL.
     */
    static byte[] key(VectorSchemaRoot batch, int[] keys, int row, ByteArrayWriter scratch) {
        scratch.reset();
        for (int k : keys) {
            FieldVector vector = batch.getVector(k);
            if (vector.isNull(row)) {
                return null;
            }
            if (vector instanceof IntVector v) {
                scratch.writeByte(ColumnType.BIGINT.ordinal()).writeByte(1).writeLong(v.get(row));
            } else if (vector instanceof BigIntVector v) {
                scratch.writeByte(ColumnType.BIGINT.ordinal()).writeByte(1).writeLong(v.get(row));
            } else {
                scratch.writeByte(vector instanceof VarCharVector ? ColumnType.VARCHAR.ordinal()
                        : vector instanceof TimeStampMilliVector ? ColumnType.TIMESTAMP.ordinal()
                        : vector instanceof Float8Vector ? ColumnType.DOUBLE.ordinal() : ColumnType.BOOLEAN.ordinal());
                RowCodec.write(vector, row, scratch);
            }
        }
        return scratch.toByteArray();
    }
}
