package dev.sluice.execution.expr;

import dev.sluice.execution.type.ColumnType;
import java.util.ArrayList;
import java.util.List;

/**
 * The implicit conversions expressions apply to their arguments: numbers widen INTEGER &lt; BIGINT &lt;
 * DOUBLE, and a VARCHAR meeting a TIMESTAMP is read as a timestamp.
 */
final class TypeCoercion {
    private TypeCoercion() {
    }

    /** The type both arguments convert to, or an exception naming {@code context}. */
    static ColumnType commonType(ColumnType a, ColumnType b, String context) {
        if (a == b) {
            return a;
        }
        if (a.isNumeric() && b.isNumeric()) {
            return a.ordinal() > b.ordinal() ? a : b;
        }
        if ((a == ColumnType.VARCHAR && b == ColumnType.TIMESTAMP) || (a == ColumnType.TIMESTAMP && b == ColumnType.VARCHAR)) {
            return ColumnType.TIMESTAMP;
        }
        throw new IllegalArgumentException("Cannot combine " + a + " and " + b + " in " + context);
    }

    static ColumnType commonType(List<PhysicalExpr> exprs, String context) {
        ColumnType type = exprs.get(0).type();
        for (PhysicalExpr e : exprs) {
            type = commonType(type, e.type(), context);
        }
        return type;
    }

    /** {@code exprs}, each converted to {@code type}. */
    static List<PhysicalExpr> coerce(List<PhysicalExpr> exprs, ColumnType type) {
        List<PhysicalExpr> result = new ArrayList<>(exprs.size());
        for (PhysicalExpr e : exprs) {
            result.add(Cast.of(e, type));
        }
        return List.copyOf(result);
    }

    /** Requires a numeric argument. */
    static void requireNumeric(PhysicalExpr expr, String function) {
        if (!expr.type().isNumeric()) {
            throw new IllegalArgumentException(function + " needs a number, got " + expr + " of type " + expr.type());
        }
    }

    static void require(PhysicalExpr expr, ColumnType type, String function) {
        if (expr.type() != type) {
            throw new IllegalArgumentException(function + " needs " + type + ", got " + expr + " of type " + expr.type());
        }
    }
}
