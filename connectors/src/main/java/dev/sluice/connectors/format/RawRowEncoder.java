package dev.sluice.connectors.format;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.RowSchema;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/** Format 'raw': a row is written as the bytes of its one VARCHAR column, as they are; NULL as no value (null). */
public final class RawRowEncoder implements RecordEncoder {
    public RawRowEncoder(RowSchema columns) {
        requireNonNull(columns, "columns is null");
        if (columns.size() != 1 || columns.column(0).type() != ColumnType.VARCHAR) {
            throw new IllegalArgumentException("format 'raw' writes one VARCHAR column, not " + columns.names());
        }
    }

    @Override
    public byte[] encode(VectorSchemaRoot root, int row) {
        VarCharVector vector = (VarCharVector) root.getVector(0);
        return vector.isNull(row) ? null : vector.get(row);
    }
}
