package dev.sluice.execution.expr;

import dev.sluice.execution.type.ColumnType;
import java.util.List;
import org.apache.arrow.memory.util.MemoryUtil;

/** {@code a || b || ...}: string concatenation (other types are cast to VARCHAR); NULL if any part is NULL. */
public final class Concat extends RowFunction {
    public Concat(List<PhysicalExpr> parts) {
        super("||", ColumnType.VARCHAR, TypeCoercion.coerce(parts, ColumnType.VARCHAR));
        if (parts.size() < 2) {
            throw new IllegalArgumentException("|| needs at least two operands");
        }
    }

    public static Concat of(PhysicalExpr... parts) {
        return new Concat(List.of(parts));
    }

    @Override
    void compute(Operand[] args, int row, VectorWriter out) {
        int length = 0;
        for (Operand arg : args) {
            length += arg.end(row) - arg.start(row);
        }
        byte[] bytes = new byte[length];
        int at = 0;
        for (Operand arg : args) {
            int start = arg.start(row);
            int n = arg.end(row) - start;
            MemoryUtil.copyFromMemory(arg.bytesAddress() + start, bytes, at, n);
            at += n;
        }
        out.setBytes(row, bytes);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("(");
        List<PhysicalExpr> parts = arguments();
        for (int i = 0; i < parts.size(); i++) {
            sb.append(i > 0 ? " || " : "").append(parts.get(i));
        }
        return sb.append(')').toString();
    }
}
