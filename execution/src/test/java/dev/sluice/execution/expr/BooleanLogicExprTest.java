package dev.sluice.execution.expr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sluice.execution.expr.Arithmetic.Operator;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.RowSchema;
import java.util.Arrays;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;

/** And, Or, Not, IsNull and BooleanTest. */
class BooleanLogicExprTest extends ExprTestBase {
    private static final ColumnRef P = ref(0, "p", ColumnType.BOOLEAN);
    private static final ColumnRef Q = ref(1, "q", ColumnType.BOOLEAN);

    /** All nine combinations of TRUE, FALSE and NULL. */
    private VectorSchemaRoot truthTable() {
        Boolean[] values = {true, false, null};
        Object[][] rows = new Object[9][];
        for (int i = 0; i < 9; i++) {
            rows[i] = row(values[i / 3], values[i % 3]);
        }
        return batch(schema(Column.of("p", ColumnType.BOOLEAN), Column.of("q", ColumnType.BOOLEAN)), rows);
    }

    @Test
    void andOrAndNotFollowThreeValuedLogic() {
        assertValues(And.of(P, Q), truthTable(), true, false, null, false, false, false, null, false, null);
        assertValues(Or.of(P, Q), truthTable(), true, true, true, true, false, null, true, null, null);
        assertValues(new Not(P), truthTable(), false, false, false, true, true, true, null, null, null);
        assertValues(new And(java.util.List.of(P, Q, Literal.of(true))), truthTable(), true, false, null, false, false, false, null, false, null);
        assertValues(Or.of(P, Literal.nullOf(ColumnType.BOOLEAN)), truthTable(), true, true, true, null, null, null, null, null, null);
        assertEquals("(p AND q)", And.of(P, Q).toString());
        assertEquals("(p OR q OR TRUE)", Or.of(P, Q, Literal.of(true)).toString());
        assertEquals("(NOT p)", new Not(P).toString());
    }

    @Test
    void nullAndTruthTestsAreNeverNull() {
        assertValues(IsNull.isNull(Q), truthTable(), false, false, true, false, false, true, false, false, true);
        assertValues(IsNull.isNotNull(Q), truthTable(), true, true, false, true, true, false, true, true, false);
        assertValues(new BooleanTest(Q, true, false), truthTable(), true, false, false, true, false, false, true, false, false);
        assertValues(new BooleanTest(Q, false, false), truthTable(), false, true, false, false, true, false, false, true, false);
        assertValues(new BooleanTest(Q, true, true), truthTable(), false, true, true, false, true, true, false, true, true);
        assertValues(new BooleanTest(Q, false, true), truthTable(), true, false, true, true, false, true, true, false, true);
        assertEquals("(q IS NOT FALSE)", new BooleanTest(Q, false, true).toString());
        assertEquals("(q IS NULL)", IsNull.isNull(Q).toString());
    }

    @Test
    void unaryTestsCrossWordBoundaries() {
        // 150 rows (three bitmap words, the last one partial) cycling through TRUE, FALSE, NULL.
        Boolean[] cycle = {true, false, null};
        Object[][] rows = new Object[150][];
        Object[] not = new Object[150];
        Object[] isNull = new Object[150];
        Object[] isNotTrue = new Object[150];
        for (int i = 0; i < rows.length; i++) {
            Boolean value = cycle[i % 3];
            rows[i] = row(value);
            not[i] = value == null ? null : !value;
            isNull[i] = value == null;
            isNotTrue[i] = value != Boolean.TRUE;
        }
        RowSchema p = schema(Column.of("p", ColumnType.BOOLEAN));
        assertValues(new Not(P), batch(p, rows), not);
        assertValues(IsNull.isNull(P), batch(p, rows), isNull);
        assertValues(new BooleanTest(P, true, true), batch(p, rows), isNotTrue);
    }

    @Test
    void isNullWorksOnAnyType() {
        VectorSchemaRoot input = batch(schema(Column.of("s", ColumnType.VARCHAR)), row("a"), row((Object) null));
        assertValues(IsNull.isNull(ref(0, "s", ColumnType.VARCHAR)), input, false, true);
    }

    @Test
    void laterOperandsOnlyFailForRowsThatNeedThem() {
        PhysicalExpr bNotZero = new Comparison(Comparison.Operator.NOT_EQUAL, B, Literal.of(0));
        PhysicalExpr ratioAboveOne = new Comparison(Comparison.Operator.GREATER_THAN, new Arithmetic(Operator.DIVIDE, A, B), Literal.of(1));
        PhysicalExpr bIsZero = new Comparison(Comparison.Operator.EQUAL, B, Literal.of(0));
        VectorSchemaRoot input = intPairs(row(10, 0), row(10, 2), row(1, 2), row(null, 0), row(3, null));
        try (input) {
            assertEquals(Arrays.asList(false, true, false, false, null), evaluate(And.of(bNotZero, ratioAboveOne), input));
            assertEquals(Arrays.asList(true, true, false, true, null), evaluate(Or.of(bIsZero, ratioAboveOne), input));
            // A row that needs the failing operand still fails.
            assertThrows(ExpressionException.class, () -> evaluate(And.of(bIsZero, ratioAboveOne), input));
        }
    }

    @Test
    void stopsOnceEveryRowIsDecided() {
        PhysicalExpr failing = new Comparison(Comparison.Operator.EQUAL,
                new Arithmetic(Operator.DIVIDE, Literal.of(1), ref(0, "z", ColumnType.INTEGER)), Literal.of(1));
        VectorSchemaRoot input = batch(schema(Column.of("z", ColumnType.INTEGER)), row(0), row(0));
        assertValues(And.of(Literal.of(false), failing), input, false, false);
    }

    @Test
    void rejectsNonBooleanOperands() {
        assertThrows(IllegalArgumentException.class, () -> And.of(P, ref(2, "x", ColumnType.INTEGER)));
        assertThrows(IllegalArgumentException.class, () -> new Not(ref(2, "x", ColumnType.INTEGER)));
    }
}
