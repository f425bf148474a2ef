package dev.sluice.execution.expr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sluice.execution.expr.LetterCase.Mode;
import dev.sluice.execution.expr.Trim.Side;
import dev.sluice.execution.testing.TestBatches;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.ColumnType;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;

/** LetterCase, Trim, CharLength, Substring, Concat, Position and Replace. */
class StringFunctionExprTest extends ExprTestBase {
    private static final ColumnRef S = ref(0, "s", ColumnType.VARCHAR);

    private VectorSchemaRoot strings(String... values) {
        return TestBatches.column(allocator, Column.of("s", ColumnType.VARCHAR), (Object[]) values);
    }

    @Test
    void letterCase() {
        assertValues(new LetterCase(Mode.UPPER, S), strings("abc Z1", "straße", null, ""), "ABC Z1", "STRASSE", null, "");
        assertValues(new LetterCase(Mode.LOWER, S), strings("ABC z1", "ÉTÉ", null), "abc z1", "été", null);
        assertValues(new LetterCase(Mode.INITCAP, S), strings("hello wORLD-foo", "élan vital", "2nd place"),
                "Hello World-Foo", "Élan Vital", "2nd Place");
        assertEquals("UPPER(s)", new LetterCase(Mode.UPPER, S).toString());
    }

    @Test
    void trim() {
        assertValues(Trim.spaces(S), strings("  a b  ", "   ", "x", null), "a b", "", "x", null);
        assertValues(new Trim(Side.LEADING, Literal.of(" "), S), strings("  a  "), "a  ");
        assertValues(new Trim(Side.TRAILING, Literal.of("x"), S), strings("xxaxx"), "xxa");
        assertValues(new Trim(Side.BOTH, Literal.of("éx"), S), strings("éxaéxbxé"), "aéxb");
        assertEquals("TRIM(BOTH ' ' FROM s)", Trim.spaces(S).toString());
    }

    @Test
    void charLengthCountsCharacters() {
        assertValues(new CharLength(S), strings("abc", "", "héllo", "日本", null), 3, 0, 5, 2, null);
    }

    @Test
    void substringHasSqlSemantics() {
        VectorSchemaRoot input = strings("hello", "héllo", null);
        assertValues(new Substring(S, Literal.of(2), Literal.of(3)), input, "ell", "éll", null);
        assertValues(new Substring(S, Literal.of(2), null), strings("hello", "héllo"), "ello", "éllo");
        // Positions before 1 count: characters [0, 3) exist only from 1, so two are left.
        assertValues(new Substring(S, Literal.of(0), Literal.of(3)), strings("hello"), "he");
        assertValues(new Substring(S, Literal.of(-5), null), strings("hello"), "hello");
        assertValues(new Substring(S, Literal.of(10), Literal.of(2)), strings("hello"), "");
        assertValues(new Substring(S, Literal.of(4), Literal.of(100)), strings("hello"), "lo");
        try (VectorSchemaRoot one = strings("hello")) {
            ExpressionException e = assertThrows(ExpressionException.class,
                    () -> evaluate(new Substring(S, Literal.of(1), Literal.of(-1)), one));
            assertEquals("negative substring length -1 in SUBSTRING(s FROM 1 FOR -1)", e.getMessage());
        }
        assertEquals("SUBSTRING(s FROM 2 FOR 3)", new Substring(S, Literal.of(2), Literal.of(3)).toString());
    }

    @Test
    void concatCastsAndPropagatesNull() {
        VectorSchemaRoot input = batch(schema(Column.of("s", ColumnType.VARCHAR), Column.of("n", ColumnType.INTEGER)),
                row("a", 1), row("é", null), row(null, 3));
        assertValues(Concat.of(S, Literal.of("-"), ref(1, "n", ColumnType.INTEGER)), input, "a-1", null, null);
        assertEquals("(s || '!')", Concat.of(S, Literal.of("!")).toString());
    }

    @Test
    void positionCountsCharactersFromOne() {
        assertValues(new Position(Literal.of("lo"), S), strings("hello", "héllo", "abc", null), 4, 4, 0, null);
        assertValues(new Position(Literal.of(""), S), strings("abc"), 1);
        assertEquals("POSITION('lo' IN s)", new Position(Literal.of("lo"), S).toString());
    }

    @Test
    void replace() {
        assertValues(new Replace(S, Literal.of("a"), Literal.of("oo")), strings("banana", "xyz", null), "boonoonoo", "xyz", null);
        assertValues(new Replace(S, Literal.of(""), Literal.of("x")), strings("ab"), "ab");
        assertEquals("REPLACE(s, 'a', 'b')", new Replace(S, Literal.of("a"), Literal.of("b")).toString());
    }
}
