package dev.sluice.execution.expr;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.type.ColumnType;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.util.TransferPair;

/**
 * A column of the input batch, by position. {@code name} is only for display (EXPLAIN).
 *
 * <p>{@link #evaluate} copies nothing: the returned vector shares the input column's buffers
 * (reference-counted), so it stays valid after the input batch is closed. The caller owns and closes it
 * and, like every expression result, must treat it as read-only.
 */
public record ColumnRef(int index, String name, ColumnType type) implements PhysicalExpr {
    public ColumnRef {
        if (index < 0) {
            throw new IllegalArgumentException("column index must not be negative: " + index);
        }
        requireNonNull(name, "name is null");
        requireNonNull(type, "type is null");
    }

    /** A reference displayed as {@code $index}. */
    public ColumnRef(int index, ColumnType type) {
        this(index, "$" + index, type);
    }

    @Override
    public FieldVector evaluate(VectorSchemaRoot batch, BufferAllocator allocator) {
        FieldVector column = column(batch);
        TransferPair share = column.getTransferPair(allocator);
        share.splitAndTransfer(0, batch.getRowCount());
        return (FieldVector) share.getTo();
    }

    /** The referenced vector of {@code batch}, still owned by the batch. */
    FieldVector column(VectorSchemaRoot batch) {
        if (index >= batch.getFieldVectors().size()) {
            throw new IllegalStateException("column " + this + " (#" + index + ") is missing from a batch of "
                    + batch.getFieldVectors().size() + " columns");
        }
        FieldVector column = batch.getVector(index);
        if (!type.arrowType().equals(column.getField().getType())) {
            throw new IllegalStateException("column " + this + " (#" + index + ") should be " + type + " but is "
                    + column.getField().getType());
        }
        return column;
    }

    @Override
    public String toString() {
        return name;
    }
}
