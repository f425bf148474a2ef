package dev.sluice.connectors.format;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.type.ColumnType;
import java.nio.charset.StandardCharsets;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMilliVector;
import org.apache.arrow.vector.VarCharVector;

/**
 * A declared column of a JSON table, as {@link JsonRecordDecoder} and {@link JsonBytesScanner} see it: if
 * decoded, the vector it is written to in the current batch and what the current record did to it; else
 * only checked. Mutable, owned by one decoder.
 */
final class JsonColumn {
    /** The name, interned: Jackson interns field names, so most lookups by name are an identity check. */
    final String name;
    /** The name's UTF-8 bytes, matched against a record's field names by {@link JsonBytesScanner}. */
    final byte[] nameBytes;
    final ColumnType type;
    final boolean decoded;
    FieldVector vector;
    VarCharVector varChar;
    /** The stamp of the last record that wrote this column (see {@link JsonRecordDecoder}). */
    long stamp;
    /** The stamp of the last record in which {@link JsonBytesScanner} met this column's field. */
    long seen;
    /** The VarChar vector's last set row before the current record wrote to it. */
    int lastSetBefore;

    JsonColumn(String name, ColumnType type, boolean decoded) {
        this.name = name.intern();
        this.nameBytes = name.getBytes(StandardCharsets.UTF_8);
        this.type = type;
        this.decoded = decoded;
    }

    void bind(FieldVector v) {
        requireNonNull(v, "vector is null");
        Class<? extends FieldVector> expected = switch (type) {
            case BOOLEAN -> BitVector.class;
            case INTEGER -> IntVector.class;
            case BIGINT -> BigIntVector.class;
            case DOUBLE -> Float8Vector.class;
            case VARCHAR -> VarCharVector.class;
            case TIMESTAMP -> TimeStampMilliVector.class;
        };
        if (!expected.isInstance(v)) {
            throw new IllegalArgumentException("Column '" + name + "' (" + type.sqlName() + ") needs a "
                    + expected.getSimpleName() + ", got " + v.getClass().getSimpleName());
        }
        vector = v;
        varChar = v instanceof VarCharVector vc ? vc : null;
        stamp = 0;
    }

    /** Marks the column written by the record of {@code recordStamp}, remembering where its bytes began. */
    void written(long recordStamp) {
        if (stamp != recordStamp) {
            stamp = recordStamp;
            if (varChar != null) {
                lastSetBefore = varChar.getLastSet();
            }
        }
    }

    /** Undoes what the record of {@code recordStamp} wrote to {@code row}: NULL, and no bytes of it kept. */
    void forget(int row, long recordStamp) {
        if (stamp == recordStamp) {
            vector.setNull(row);
            if (varChar != null) {
                // Forget the bytes written for this row, so the next value written here starts clean.
                varChar.setLastSet(lastSetBefore);
            }
            stamp = 0;
        }
    }

    String label() {
        return "column '" + name + "' (" + type.sqlName() + ")";
    }
}
