package dev.sluice.execution.expr;

import dev.sluice.execution.type.ColumnType;
import java.util.List;

/**
 * {@code POSITION(needle IN haystack)}: the 1-based character position of the first occurrence of
 * {@code needle}, 0 if absent, 1 for an empty needle. INTEGER.
 */
public final class Position extends RowFunction {
    public Position(PhysicalExpr needle, PhysicalExpr haystack) {
        super("POSITION", ColumnType.INTEGER, List.of(needle, haystack));
        TypeCoercion.require(needle, ColumnType.VARCHAR, "POSITION");
        TypeCoercion.require(haystack, ColumnType.VARCHAR, "POSITION");
    }

    @Override
    void compute(Operand[] args, int row, VectorWriter out) {
        byte[] needle = args[0].getBytes(row);
        Operand haystack = args[1];
        int start = haystack.start(row);
        long address = haystack.bytesAddress() + start;
        int at = Utf8.indexOf(address, haystack.end(row) - start, needle, 0);
        out.setInt(row, at < 0 ? 0 : Utf8.codePoints(address, at) + 1);
    }

    @Override
    public String toString() {
        return "POSITION(" + arguments().get(0) + " IN " + arguments().get(1) + ")";
    }
}
