package dev.sluice.execution.expr;

import dev.sluice.execution.type.ColumnType;
import java.util.List;

/** {@code CHAR_LENGTH(s)} (also CHARACTER_LENGTH): the number of characters (code points), as INTEGER. */
public final class CharLength extends RowFunction {
    public CharLength(PhysicalExpr operand) {
        super("CHAR_LENGTH", ColumnType.INTEGER, List.of(operand));
        TypeCoercion.require(operand, ColumnType.VARCHAR, "CHAR_LENGTH");
    }

    @Override
    void compute(Operand[] args, int row, VectorWriter out) {
        int start = args[0].start(row);
        out.setInt(row, Utf8.codePoints(args[0].bytesAddress() + start, args[0].end(row) - start));
    }
}
