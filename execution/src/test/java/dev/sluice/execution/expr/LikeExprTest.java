package dev.sluice.execution.expr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sluice.execution.testing.TestBatches;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.ColumnType;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;

class LikeExprTest extends ExprTestBase {
    private static final ColumnRef S = ref(0, "s", ColumnType.VARCHAR);
    private static final String[] WORDS = {"apple", "banana", "grape", "", "a", "pineapple", "Apple"};

    private VectorSchemaRoot words() {
        Object[] values = new Object[WORDS.length + 1];
        System.arraycopy(WORDS, 0, values, 0, WORDS.length);
        return TestBatches.column(allocator, Column.of("s", ColumnType.VARCHAR), values);
    }

    private Like like(String pattern) {
        return new Like(S, Literal.of(pattern), null);
    }

    @Test
    void percentAndUnderscore() {
        assertValues(like("a%"), words(), true, false, false, false, true, false, false, null);
        assertValues(like("%apple"), words(), true, false, false, false, false, true, false, null);
        assertValues(like("%an%"), words(), false, true, false, false, false, false, false, null);
        assertValues(like("apple"), words(), true, false, false, false, false, false, false, null);
        assertValues(like("%"), words(), true, true, true, true, true, true, true, null);
        assertValues(like("_"), words(), false, false, false, false, true, false, false, null);
        assertValues(like("gr_pe"), words(), false, false, true, false, false, false, false, null);
        assertValues(like("%p%l%"), words(), true, false, false, false, false, true, true, null);
        assertValues(like(""), words(), false, false, false, true, false, false, false, null);
        assertEquals("(s LIKE 'a%')", like("a%").toString());
    }

    @Test
    void underscoreMatchesOneCharacterNotOneByte() {
        VectorSchemaRoot input = TestBatches.column(allocator, Column.of("s", ColumnType.VARCHAR), "café", "cafe", "cafée", "caf\n");
        assertValues(like("caf_"), input, true, true, false, true);
    }

    @Test
    void escapeMakesWildcardsLiteral() {
        VectorSchemaRoot input = TestBatches.column(allocator, Column.of("s", ColumnType.VARCHAR), "50%", "50 percent", "a_b", "axb", "x\\y");
        assertValues(new Like(S, Literal.of("%\\%"), '\\'), input, true, false, false, false, false);
        VectorSchemaRoot input2 = TestBatches.column(allocator, Column.of("s", ColumnType.VARCHAR), "50%", "50 percent", "a_b", "axb", "x\\y");
        assertValues(new Like(S, Literal.of("a!_b"), '!'), input2, false, false, true, false, false);
        VectorSchemaRoot input3 = TestBatches.column(allocator, Column.of("s", ColumnType.VARCHAR), "50%", "50 percent", "a_b", "axb", "x\\y");
        assertValues(new Like(S, Literal.of("x\\\\y"), '\\'), input3, false, false, false, false, true);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Like(S, Literal.of("a\\b"), '\\'));
        assertEquals("Invalid LIKE pattern 'a\\b': escape character before 'b'", e.getMessage());
        VectorSchemaRoot patterns = batch(schema(Column.of("s", ColumnType.VARCHAR), Column.of("p", ColumnType.VARCHAR)), row("ab", "ab!"));
        try (patterns) {
            ExpressionException bad = assertThrows(ExpressionException.class,
                    () -> evaluate(new Like(S, ref(1, "p", ColumnType.VARCHAR), '!'), patterns));
            assertEquals("Invalid LIKE pattern 'ab!': it ends with the escape character", bad.getMessage());
        }
        assertEquals("(s LIKE 'a!_b' ESCAPE '!')", new Like(S, Literal.of("a!_b"), '!').toString());
    }

    @Test
    void patternsFromAColumn() {
        VectorSchemaRoot input = batch(schema(Column.of("s", ColumnType.VARCHAR), Column.of("p", ColumnType.VARCHAR)),
                row("apple", "a%"), row("apple", "b%"), row("banana", "%n_n%"), row(null, "%"), row("x", null));
        assertValues(new Like(S, ref(1, "p", ColumnType.VARCHAR), null), input, true, false, true, null, null);
    }
}
