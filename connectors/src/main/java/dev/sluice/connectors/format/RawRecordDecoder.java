package dev.sluice.connectors.format;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.RowSchema;
import java.util.List;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;

/**
 * Format 'raw': a record value is not decoded at all. The table has one VARCHAR column, which receives the
 * value's bytes as they are (read as UTF-8 text; a null value is NULL). No record is ever malformed, so a
 * raw table reads any topic, e.g. to count records or bytes, or to look at what a topic holds.
 */
public final class RawRecordDecoder implements RecordDecoder {
    private final boolean decoded;
    private VarCharVector vector;

    /**
     * @param declared the table's columns: exactly one, VARCHAR
     * @param decoded that column, or no column when the query does not read it
     * @throws IllegalArgumentException if the columns are not so
     */
    public RawRecordDecoder(RowSchema declared, RowSchema decoded) {
        requireNonNull(declared, "declared is null");
        requireNonNull(decoded, "decoded is null");
        checkColumns(declared);
        if (decoded.size() > 1 || (decoded.size() == 1 && !decoded.column(0).equals(declared.column(0)))) {
            throw new IllegalArgumentException("A raw table decodes its one column " + declared.names() + ", not "
                    + decoded.names());
        }
        this.decoded = decoded.size() == 1;
    }

    /**
     * Checks that a raw table's declared columns are one VARCHAR column.
     *
     * @throws IllegalArgumentException saying what the columns must be
     */
    public static void checkColumns(RowSchema declared) {
        if (declared.size() != 1 || declared.column(0).type() != ColumnType.VARCHAR) {
            throw new IllegalArgumentException("a table of format 'raw' has exactly one column, of type VARCHAR, "
                    + "that receives each record value (declared: " + declared.columns().stream()
                    .map(c -> c.name() + " " + c.type().sqlName()).toList() + ")");
        }
    }

    @Override
    public void bind(List<? extends FieldVector> vectors) {
        if (vectors.size() != (decoded ? 1 : 0)) {
            throw new IllegalArgumentException("Expected " + (decoded ? 1 : 0) + " vectors, got " + vectors.size());
        }
        vector = decoded ? (VarCharVector) vectors.get(0) : null;
    }

    @Override
    public void decode(byte[] value, int offset, int length, int row) {
        if (vector == null) {
            return;
        }
        if (value == null) {
            vector.setNull(row);
        } else {
            vector.setSafe(row, value, offset, length);
        }
    }
}
