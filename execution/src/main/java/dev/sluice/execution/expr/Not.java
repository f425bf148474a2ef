package dev.sluice.execution.expr;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.type.ColumnType;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/** {@code NOT operand}: NULL stays NULL. */
public final class Not implements CompositeExpr {
    private final PhysicalExpr operand;

    public Not(PhysicalExpr operand) {
        this.operand = requireNonNull(operand, "operand is null");
        TypeCoercion.require(operand, ColumnType.BOOLEAN, "NOT");
    }

    public PhysicalExpr operand() {
        return operand;
    }

    @Override
    public ColumnType type() {
        return ColumnType.BOOLEAN;
    }

    @Override
    public List<PhysicalExpr> children() {
        return List.of(operand);
    }

    @Override
    public FieldVector evaluate(VectorSchemaRoot batch, BufferAllocator allocator) {
        int rows = batch.getRowCount();
        try (Operand in = Operand.of(operand, batch, allocator);
             VectorWriter out = VectorWriter.allocate(ColumnType.BOOLEAN, rows, allocator)) {
            for (int w = 0, words = Bits.words(rows); w < words; w++) {
                Bits.writeWord(out.validityAddress(), w, in.validityWord(w, rows));
                Bits.writeWord(out.dataAddress(), w, ~in.booleanWord(w, rows) & Bits.tailMask(rows - (w << 6)));
            }
            return out.finish();
        }
    }

    @Override
    public String toString() {
        return "(NOT " + operand + ")";
    }
}
