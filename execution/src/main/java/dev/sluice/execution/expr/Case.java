package dev.sluice.execution.expr;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.type.ColumnType;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * {@code CASE WHEN c1 THEN r1 WHEN c2 THEN r2 ... ELSE e END}: each row takes the result of its first TRUE
 * condition (NULL counts as not TRUE), else {@code e}. Results convert to their common type.
 *
 * <p>Lazy like SQL: each condition is evaluated only for the rows no earlier condition took, and each result
 * only for the rows that take it ({@link PartialOperand}), so {@code CASE WHEN b = 0 THEN 0 ELSE a / b END}
 * never divides by zero.
 */
public final class Case implements CompositeExpr {
    /** One {@code WHEN condition THEN result} clause. */
    public record When(PhysicalExpr condition, PhysicalExpr result) {
        public When {
            requireNonNull(condition, "condition is null");
            requireNonNull(result, "result is null");
            TypeCoercion.require(condition, ColumnType.BOOLEAN, "CASE WHEN");
        }
    }

    private final List<When> whens;
    private final PhysicalExpr otherwise;
    private final ColumnType type;

    /** {@code otherwise} is the ELSE result (a NULL {@link Literal} when the SQL has no ELSE). */
    public Case(List<When> whens, PhysicalExpr otherwise) {
        requireNonNull(otherwise, "otherwise is null");
        if (whens.isEmpty()) {
            throw new IllegalArgumentException("CASE needs at least one WHEN");
        }
        List<PhysicalExpr> results = new ArrayList<>();
        whens.forEach(w -> results.add(w.result()));
        results.add(otherwise);
        this.type = TypeCoercion.commonType(results, "CASE");
        List<When> coerced = new ArrayList<>();
        for (When w : whens) {
            coerced.add(new When(w.condition(), Cast.of(w.result(), type)));
        }
        this.whens = List.copyOf(coerced);
        this.otherwise = Cast.of(otherwise, type);
    }

    public List<When> whens() {
        return whens;
    }

    public PhysicalExpr otherwise() {
        return otherwise;
    }

    @Override
    public ColumnType type() {
        return type;
    }

    @Override
    public List<PhysicalExpr> children() {
        List<PhysicalExpr> children = new ArrayList<>();
        for (When w : whens) {
            children.add(w.condition());
            children.add(w.result());
        }
        children.add(otherwise);
        return children;
    }

    @Override
    public FieldVector evaluate(VectorSchemaRoot batch, BufferAllocator allocator) {
        int rows = batch.getRowCount();
        int branches = whens.size() + 1;
        int[] choice = new int[rows];
        int[] undecided = new int[rows];
        int undecidedCount = rows;
        for (int i = 0; i < rows; i++) {
            undecided[i] = i;
        }
        int[] next = new int[rows];
        for (int b = 0; b < whens.size() && undecidedCount > 0; b++) {
            int nextCount = 0;
            try (PartialOperand condition = PartialOperand.evaluate(whens.get(b).condition(), undecided, undecidedCount,
                    batch, allocator)) {
                Operand values = condition.values();
                for (int k = 0; k < undecidedCount; k++) {
                    int row = undecided[k];
                    int at = condition.index(row, k);
                    if (!values.isNull(at) && values.getBoolean(at)) {
                        choice[row] = b;
                    } else {
                        next[nextCount++] = row;
                    }
                }
            }
            int[] swap = undecided;
            undecided = next;
            next = swap;
            undecidedCount = nextCount;
        }
        for (int k = 0; k < undecidedCount; k++) {
            choice[undecided[k]] = whens.size();
        }

        PartialOperand[] results = new PartialOperand[branches];
        int[] sourceRow = new int[rows];
        try (VectorWriter out = VectorWriter.allocate(type, rows, allocator)) {
            int[] positions = next;
            for (int b = 0; b < branches; b++) {
                int count = 0;
                for (int i = 0; i < rows; i++) {
                    if (choice[i] == b) {
                        positions[count++] = i;
                    }
                }
                if (count == 0) {
                    continue;
                }
                PhysicalExpr result = b < whens.size() ? whens.get(b).result() : otherwise;
                results[b] = PartialOperand.evaluate(result, positions, count, batch, allocator);
                for (int k = 0; k < count; k++) {
                    sourceRow[positions[k]] = results[b].index(positions[k], k);
                }
            }
            for (int i = 0; i < rows; i++) {
                out.copy(i, results[choice[i]].values(), sourceRow[i]);
            }
            return out.finish();
        } finally {
            PartialOperand.closeAll(results);
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("CASE");
        for (When w : whens) {
            sb.append(" WHEN ").append(w.condition()).append(" THEN ").append(w.result());
        }
        return sb.append(" ELSE ").append(otherwise).append(" END").toString();
    }
}
