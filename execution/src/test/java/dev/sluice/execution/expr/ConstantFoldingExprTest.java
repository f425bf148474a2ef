package dev.sluice.execution.expr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.sluice.execution.expr.Arithmetic.Operator;
import dev.sluice.execution.type.ColumnType;
import org.junit.jupiter.api.Test;

class ConstantFoldingExprTest extends ExprTestBase {
    @Test
    void foldsExpressionsOfLiterals() {
        assertEquals(Literal.of(7), ConstantFolding.fold(new Arithmetic(Operator.ADD, Literal.of(3), Literal.of(4))));
        assertEquals(Literal.of("AB"), ConstantFolding.fold(new LetterCase(LetterCase.Mode.UPPER, Literal.of("ab"))));
        assertEquals(Literal.nullOf(ColumnType.INTEGER),
                ConstantFolding.fold(new Arithmetic(Operator.ADD, Literal.of(3), Literal.nullOf(ColumnType.INTEGER))));
        assertEquals(7, evaluateConstant(new Arithmetic(Operator.ADD, Literal.of(3), Literal.of(4))));
    }

    @Test
    void keepsWhatFailsOrReadsColumns() {
        Arithmetic divideByZero = new Arithmetic(Operator.DIVIDE, Literal.of(1), Literal.of(0));
        assertSame(divideByZero, ConstantFolding.fold(divideByZero));
        Arithmetic column = new Arithmetic(Operator.ADD, ref(0, "a", ColumnType.INTEGER), Literal.of(1));
        assertSame(column, ConstantFolding.fold(column));
    }
}
