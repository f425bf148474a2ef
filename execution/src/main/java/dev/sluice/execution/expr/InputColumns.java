package dev.sluice.execution.expr;

import java.util.BitSet;
import java.util.Collection;

/** Which input columns expressions read: used to compact or copy only the columns that matter. */
public final class InputColumns {
    private InputColumns() {
    }

    /**
     * The indexes of the input columns {@code exprs} read. An expression this package does not know is
     * assumed to read every column of an input {@code inputWidth} wide.
     */
    public static BitSet referencedBy(Collection<? extends PhysicalExpr> exprs, int inputWidth) {
        BitSet columns = new BitSet();
        for (PhysicalExpr expr : exprs) {
            if (!collect(expr, columns)) {
                columns.set(0, inputWidth);
                break;
            }
        }
        return columns;
    }

    /** Adds the columns {@code expr} reads; false if it can't tell. */
    private static boolean collect(PhysicalExpr expr, BitSet columns) {
        if (expr instanceof ColumnRef ref) {
            columns.set(ref.index());
            return true;
        }
        if (expr instanceof Literal || expr instanceof ProcessingTime) {
            return true;
        }
        if (expr instanceof CompositeExpr composite) {
            for (PhysicalExpr child : composite.children()) {
                if (!collect(child, columns)) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }
}
