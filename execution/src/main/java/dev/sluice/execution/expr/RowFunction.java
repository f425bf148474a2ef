package dev.sluice.execution.expr;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.type.ColumnType;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Base of scalar functions computed one row at a time (string, math and date functions): arguments are
 * read through {@link Operand}s (no per-row objects for numbers; literals are never materialised), and a
 * NULL in any argument gives NULL without calling {@link #compute}.
 */
abstract class RowFunction implements CompositeExpr {
    private final String name;
    private final ColumnType type;
    private final List<PhysicalExpr> arguments;

    RowFunction(String name, ColumnType type, List<PhysicalExpr> arguments) {
        this.name = requireNonNull(name, "name is null");
        this.type = requireNonNull(type, "type is null");
        this.arguments = List.copyOf(arguments);
    }

    /** Computes row {@code row}, whose arguments are all non-NULL, into {@code out} (or leaves it NULL). */
    abstract void compute(Operand[] args, int row, VectorWriter out);

    String name() {
        return name;
    }

    List<PhysicalExpr> arguments() {
        return arguments;
    }

    @Override
    public ColumnType type() {
        return type;
    }

    @Override
    public List<PhysicalExpr> children() {
        return arguments;
    }

    @Override
    public final FieldVector evaluate(VectorSchemaRoot batch, BufferAllocator allocator) {
        int rows = batch.getRowCount();
        Operand[] args = Operand.of(arguments, batch, allocator);
        try (VectorWriter out = VectorWriter.allocate(type, rows, allocator)) {
            boolean nulls = false;
            for (Operand arg : args) {
                nulls |= arg.mayHaveNulls();
            }
            for (int i = 0; i < rows; i++) {
                if (!nulls || !anyNull(args, i)) {
                    compute(args, i, out);
                }
            }
            return out.finish();
        } finally {
            Operand.closeAll(args);
        }
    }

    private static boolean anyNull(Operand[] args, int row) {
        for (Operand arg : args) {
            if (arg.isNull(row)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(name).append('(');
        for (int i = 0; i < arguments.size(); i++) {
            sb.append(i > 0 ? ", " : "").append(arguments.get(i));
        }
        return sb.append(')').toString();
    }
}
