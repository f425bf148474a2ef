package dev.sluice.execution.expr;

import dev.sluice.execution.type.ColumnType;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * A three-valued function of one three-valued input (NULL, TRUE or FALSE to NULL, TRUE or FALSE), applied 64
 * rows per word over the bitmaps: the kernel of NOT, IS [NOT] NULL, IS [NOT] TRUE/FALSE and the NULL
 * handling of SEARCH. Branch-free: each output bitmap word is the union of the input classes (NULL, TRUE,
 * FALSE rows) mapped to it, selected by masks fixed at construction.
 *
 * <p>The data bits of NULL result rows are 0.
 */
final class TruthTable {
    /** A three-valued logic value. */
    enum Value { NULL, TRUE, FALSE }

    /** NOT: NULL stays NULL. */
    static final TruthTable NOT = new TruthTable(Value.NULL, Value.FALSE, Value.TRUE);
    static final TruthTable IS_NULL = new TruthTable(Value.TRUE, Value.FALSE, Value.FALSE);
    static final TruthTable IS_NOT_NULL = new TruthTable(Value.FALSE, Value.TRUE, Value.TRUE);

    // All-ones where the input class maps to a non-NULL (valid) result, resp. to TRUE; else 0.
    private final long nullValid;
    private final long trueValid;
    private final long falseValid;
    private final long nullTrue;
    private final long trueTrue;
    private final long falseTrue;
    /** Whether TRUE and FALSE inputs map differently, i.e. the input's values are read at all. */
    private final boolean readsValues;

    /** The function mapping a NULL input to {@code ifNull}, TRUE to {@code ifTrue} and FALSE to {@code ifFalse}. */
    TruthTable(Value ifNull, Value ifTrue, Value ifFalse) {
        this.nullValid = ifNull == Value.NULL ? 0 : -1L;
        this.trueValid = ifTrue == Value.NULL ? 0 : -1L;
        this.falseValid = ifFalse == Value.NULL ? 0 : -1L;
        this.nullTrue = ifNull == Value.TRUE ? -1L : 0;
        this.trueTrue = ifTrue == Value.TRUE ? -1L : 0;
        this.falseTrue = ifFalse == Value.TRUE ? -1L : 0;
        this.readsValues = ifTrue != ifFalse;
    }

    /** {@code IS [NOT if negated] (TRUE if truthValue, else FALSE)}: never NULL. */
    static TruthTable booleanTest(boolean truthValue, boolean negated) {
        Value matching = negated ? Value.FALSE : Value.TRUE;
        Value other = negated ? Value.TRUE : Value.FALSE;
        return truthValue ? new TruthTable(other, matching, other) : new TruthTable(other, other, matching);
    }

    /**
     * Applies the function to {@code operand} over {@code batch}: a new BOOLEAN vector the caller owns and
     * closes. The operand may be of any type when TRUE and FALSE map alike (IS [NOT] NULL); else BOOLEAN.
     */
    FieldVector evaluate(PhysicalExpr operand, VectorSchemaRoot batch, BufferAllocator allocator) {
        int rows = batch.getRowCount();
        try (Operand in = Operand.of(operand, batch, allocator);
             VectorWriter out = VectorWriter.allocate(ColumnType.BOOLEAN, rows, allocator)) {
            for (int w = 0, words = Bits.words(rows); w < words; w++) {
                write(out, w, in.validityWord(w, rows), readsValues ? in.booleanWord(w, rows) : 0, rows);
            }
            return out.finish();
        }
    }

    /**
     * Writes word {@code word} of {@code out} from the input's validity and value words (values of NULL rows
     * and bits past {@code rows} are ignored).
     */
    void write(VectorWriter out, int word, long valid, long value, int rows) {
        long all = Bits.tailMask(rows - (word << 6));
        long nulls = ~valid & all;
        long trues = valid & value;
        long falses = valid & ~value & all;
        Bits.writeWord(out.validityAddress(), word, (nulls & nullValid) | (trues & trueValid) | (falses & falseValid));
        Bits.writeWord(out.dataAddress(), word, (nulls & nullTrue) | (trues & trueTrue) | (falses & falseTrue));
    }
}
