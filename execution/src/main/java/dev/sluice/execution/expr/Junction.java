package dev.sluice.execution.expr;

import dev.sluice.execution.type.ColumnType;
import java.util.BitSet;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Three-valued AND / OR over any number of BOOLEAN operands, 64 rows per step over the bitmaps. For AND a
 * FALSE operand decides the row (FALSE even if another is NULL), else NULL if any is NULL, else TRUE; OR is
 * the dual.
 *
 * <p>Operands are evaluated left to right over the whole batch, stopping once every row is decided. If an
 * operand throws (say {@code b <> 0 AND a / b > 1}), it is evaluated again over only the rows not yet
 * decided, so errors come only from rows that need the operand, as with short-circuit evaluation.
 */
abstract class Junction implements CompositeExpr {
    private final List<PhysicalExpr> operands;
    /** The value that decides a row: FALSE for AND, TRUE for OR. */
    private final boolean deciding;

    Junction(List<PhysicalExpr> operands, boolean deciding) {
        this.operands = List.copyOf(operands);
        this.deciding = deciding;
        if (this.operands.size() < 2) {
            throw new IllegalArgumentException(name() + " needs at least two operands");
        }
        for (PhysicalExpr operand : this.operands) {
            TypeCoercion.require(operand, ColumnType.BOOLEAN, name());
        }
    }

    private String name() {
        return deciding ? "OR" : "AND";
    }

    public List<PhysicalExpr> operands() {
        return operands;
    }

    @Override
    public List<PhysicalExpr> children() {
        return operands;
    }

    @Override
    public ColumnType type() {
        return ColumnType.BOOLEAN;
    }

    @Override
    public FieldVector evaluate(VectorSchemaRoot batch, BufferAllocator allocator) {
        int rows = batch.getRowCount();
        int words = Bits.words(rows);
        long[] decided = new long[words];
        long[] allValid = new long[words];
        long[] allNonDeciding = new long[words];
        for (int w = 0; w < words; w++) {
            allValid[w] = Bits.tailMask(rows - (w << 6));
            allNonDeciding[w] = allValid[w];
        }
        for (int k = 0; k < operands.size(); k++) {
            if (k > 0 && allDecided(decided, rows)) {
                break;
            }
            try (Operand operand = evaluateOperand(operands.get(k), k == 0, decided, batch, allocator)) {
                for (int w = 0; w < words; w++) {
                    long valid = operand.validityWord(w, rows);
                    long value = operand.booleanWord(w, rows);
                    long deciders = valid & (deciding ? value : ~value);
                    decided[w] |= deciders;
                    allValid[w] &= valid;
                    allNonDeciding[w] &= valid & ~deciders;
                }
            }
        }
        try (VectorWriter out = VectorWriter.allocate(ColumnType.BOOLEAN, rows, allocator)) {
            for (int w = 0; w < words; w++) {
                Bits.writeWord(out.validityAddress(), w, decided[w] | allValid[w]);
                // AND: TRUE when every operand is TRUE. OR: TRUE when one is.
                Bits.writeWord(out.dataAddress(), w, deciding ? decided[w] : allNonDeciding[w]);
            }
            return out.finish();
        }
    }

    private static boolean allDecided(long[] decided, int rows) {
        for (int w = 0; w < decided.length; w++) {
            if (decided[w] != Bits.tailMask(rows - (w << 6))) {
                return false;
            }
        }
        return true;
    }

    private static Operand evaluateOperand(PhysicalExpr expr, boolean first, long[] decided, VectorSchemaRoot batch,
                                           BufferAllocator allocator) {
        try {
            return Operand.of(expr, batch, allocator);
        } catch (ExpressionException e) {
            if (first) {
                throw e;
            }
            // Retry on the rows not decided yet: an error there is real.
            int rows = batch.getRowCount();
            int[] positions = new int[rows];
            int count = 0;
            for (int i = 0; i < rows; i++) {
                if (!Bits.get(decided, i)) {
                    positions[count++] = i;
                }
            }
            if (count == rows) {
                throw e;
            }
            RowSelection undecided = RowSelection.of(positions, count);
            BitSet columns = InputColumns.referencedBy(List.of(expr), batch.getFieldVectors().size());
            try (Operand selected = Operand.ofVector(undecided.evaluate(expr, columns, batch, allocator), expr.type(), true)) {
                return Operand.ofVector(undecided.scatter(selected, rows, allocator), expr.type(), true);
            }
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("(");
        for (int k = 0; k < operands.size(); k++) {
            if (k > 0) {
                sb.append(' ').append(name()).append(' ');
            }
            sb.append(operands.get(k));
        }
        return sb.append(')').toString();
    }
}
