package dev.sluice.execution.expr;

import dev.sluice.execution.type.ColumnType;
import java.util.List;

/** {@code REPLACE(s, search, replacement)}: every occurrence of {@code search} replaced (none if it is empty). */
public final class Replace extends RowFunction {
    public Replace(PhysicalExpr string, PhysicalExpr search, PhysicalExpr replacement) {
        super("REPLACE", ColumnType.VARCHAR, List.of(string, search, replacement));
        TypeCoercion.require(string, ColumnType.VARCHAR, "REPLACE");
        TypeCoercion.require(search, ColumnType.VARCHAR, "REPLACE");
        TypeCoercion.require(replacement, ColumnType.VARCHAR, "REPLACE");
    }

    @Override
    void compute(Operand[] args, int row, VectorWriter out) {
        String text = args[0].getString(row);
        String search = args[1].getString(row);
        out.setString(row, search.isEmpty() ? text : text.replace(search, args[2].getString(row)));
    }
}
