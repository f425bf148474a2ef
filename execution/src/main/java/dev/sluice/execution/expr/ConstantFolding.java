package dev.sluice.execution.expr;

import dev.sluice.execution.type.VectorValues;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Replaces an expression whose arguments are all literals by its value, computed once at planning time by
 * the same kernel that would run per batch (so folding can never disagree with evaluation). An expression
 * that fails (e.g. {@code 1 / 0}) is kept as is: the error belongs to the rows that reach it, if any.
 */
public final class ConstantFolding {
    private ConstantFolding() {
    }

    /** {@code expr} as a {@link Literal} if it can be computed now, else {@code expr} itself. */
    public static PhysicalExpr fold(PhysicalExpr expr) {
        if (!(expr instanceof CompositeExpr composite)) {
            return expr;
        }
        for (PhysicalExpr child : composite.children()) {
            if (!(child instanceof Literal)) {
                return expr;
            }
        }
        try (BufferAllocator allocator = new RootAllocator();
             VectorSchemaRoot oneRow = new VectorSchemaRoot(List.of(), List.of(), 1);
             FieldVector value = expr.evaluate(oneRow, allocator)) {
            return new Literal(VectorValues.get(value, 0), expr.type());
        } catch (ExpressionException e) {
            return expr;
        }
    }
}
