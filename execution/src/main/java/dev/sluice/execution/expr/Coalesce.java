package dev.sluice.execution.expr;

import dev.sluice.execution.type.ColumnType;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * {@code COALESCE(a, b, ...)}: the first operand that is not NULL, else NULL. Operands convert to their
 * common type; each is evaluated only for the rows still NULL after the ones before it.
 */
public final class Coalesce implements CompositeExpr {
    private final List<PhysicalExpr> operands;
    private final ColumnType type;

    public Coalesce(List<PhysicalExpr> operands) {
        if (operands.isEmpty()) {
            throw new IllegalArgumentException("COALESCE needs at least one operand");
        }
        this.type = TypeCoercion.commonType(operands, "COALESCE");
        this.operands = TypeCoercion.coerce(operands, type);
    }

    public static Coalesce of(PhysicalExpr... operands) {
        return new Coalesce(List.of(operands));
    }

    @Override
    public ColumnType type() {
        return type;
    }

    @Override
    public List<PhysicalExpr> children() {
        return operands;
    }

    @Override
    public FieldVector evaluate(VectorSchemaRoot batch, BufferAllocator allocator) {
        int rows = batch.getRowCount();
        int[] choice = new int[rows];
        int[] sourceRow = new int[rows];
        int[] remaining = new int[rows];
        int[] next = new int[rows];
        int remainingCount = rows;
        for (int i = 0; i < rows; i++) {
            remaining[i] = i;
            choice[i] = -1;
        }
        PartialOperand[] values = new PartialOperand[operands.size()];
        try (VectorWriter out = VectorWriter.allocate(type, rows, allocator)) {
            for (int o = 0; o < operands.size() && remainingCount > 0; o++) {
                values[o] = PartialOperand.evaluate(operands.get(o), remaining, remainingCount, batch, allocator);
                int nextCount = 0;
                for (int k = 0; k < remainingCount; k++) {
                    int row = remaining[k];
                    int at = values[o].index(row, k);
                    if (values[o].values().isNull(at)) {
                        next[nextCount++] = row;
                    } else {
                        choice[row] = o;
                        sourceRow[row] = at;
                    }
                }
                int[] swap = remaining;
                remaining = next;
                next = swap;
                remainingCount = nextCount;
            }
            for (int i = 0; i < rows; i++) {
                if (choice[i] >= 0) {
                    out.copy(i, values[choice[i]].values(), sourceRow[i]);
                }
            }
            return out.finish();
        } finally {
            PartialOperand.closeAll(values);
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("COALESCE(");
        for (int i = 0; i < operands.size(); i++) {
            sb.append(i > 0 ? ", " : "").append(operands.get(i));
        }
        return sb.append(')').toString();
    }
}
