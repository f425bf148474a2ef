package dev.sluice.execution.expr;

import static dev.sluice.execution.testing.TestBatches.ts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sluice.execution.testing.TestBatches;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.ColumnType;
import java.time.LocalDateTime;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;

/** Flink's built-ins DATE_FORMAT, REGEXP_EXTRACT and SPLIT_INDEX, against hand-computed values. */
class FlinkStringFunctionExprTest extends ExprTestBase {
    private static final ColumnRef S = ref(0, "s", ColumnType.VARCHAR);
    private static final ColumnRef T = ref(0, "t", ColumnType.TIMESTAMP);

    private VectorSchemaRoot strings(String... values) {
        return TestBatches.column(allocator, Column.of("s", ColumnType.VARCHAR), (Object[]) values);
    }

    private VectorSchemaRoot times(LocalDateTime... values) {
        return TestBatches.column(allocator, Column.of("t", ColumnType.TIMESTAMP), (Object[]) values);
    }

    @Test
    void dateFormatOfATimestampInUtc() {
        VectorSchemaRoot input = times(ts("2015-07-15 23:59:58.123"), ts("1969-12-31 00:01:02"), null);
        assertValues(new DateFormat(T, "yyyy-MM-dd"), input, "2015-07-15", "1969-12-31", null);
        assertValues(new DateFormat(T, "HH:mm"), times(ts("2015-07-15 23:59:58.123"), ts("1969-12-31 00:01:02")),
                "23:59", "00:01");
        assertValues(new DateFormat(T, "yyyy/MM/dd HH:mm:ss.SSS 'day' D"), times(ts("2024-02-29 08:07:06.5")),
                "2024/02/29 08:07:06.500 day 60");
        assertEquals("DATE_FORMAT(t, 'yyyy-MM-dd')", new DateFormat(T, "yyyy-MM-dd").toString());
    }

    @Test
    void dateFormatOfTextParsesItFirst() {
        assertValues(new DateFormat(S, "dd.MM.yyyy HH:mm"),
                strings("2015-07-15 10:11:12", "2015-07-15T10:11", "2015-07-15", "not a date", "2015-13-01", null),
                "15.07.2015 10:11", "15.07.2015 10:11", "15.07.2015 00:00", null, null, null);
    }

    @Test
    void dateFormatRefusesABadFormatOrType() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new DateFormat(T, "yyyy-MM-dd {"));
        assertEquals(true, e.getMessage().startsWith("Invalid date-time format 'yyyy-MM-dd {' in DATE_FORMAT"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new DateFormat(T, "bbb"));
        assertThrows(IllegalArgumentException.class, () -> new DateFormat(A, "yyyy"));
    }

    @Test
    void regexpExtractTakesAGroupOfTheFirstMatch() {
        String channelId = "(&|^)channel_id=([^&]*)";
        VectorSchemaRoot input = strings("https://x.com/a?channel_id=42&b=1", "channel_id=7", "a=1&channel_id=&c=2",
                "https://x.com/a?xchannel_id=9", null);
        assertValues(new RegexpExtract(S, channelId, Literal.of(2)), input, null, "7", "", null, null);
        assertValues(new RegexpExtract(S, "foo(.*?)(bar)", Literal.of(2)), strings("foothebar", "xfooybarbar", "bar"),
                "bar", "bar", null);
        assertValues(new RegexpExtract(S, "foo(.*?)(bar)", Literal.of(0)), strings("xfoothebarbar"), "foothebar");
        assertValues(new RegexpExtract(S, "foo(.*?)(bar)", Literal.of(1)), strings("xfoothebarbar"), "the");
        // A group that took no part in the match: NULL.
        assertValues(new RegexpExtract(S, "a(b)?c", Literal.of(1)), strings("ac", "abc"), null, "b");
        assertEquals("REGEXP_EXTRACT(s, 'a(b)?c', 1)", new RegexpExtract(S, "a(b)?c", Literal.of(1)).toString());
    }

    @Test
    void regexpExtractWithAnIndexPerRow() {
        var input = batch(schema(Column.of("s", ColumnType.VARCHAR), Column.of("i", ColumnType.INTEGER)),
                row("ab", 1), row("ab", 2), row("ab", 0), row("ab", 3), row("ab", -1), row("ab", null));
        assertValues(new RegexpExtract(S, "(a)(b)", ref(1, "i", ColumnType.INTEGER)), input, "a", "b", "ab", null, null, null);
    }

    @Test
    void regexpExtractRefusesABadRegexOrIndex() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RegexpExtract(S, "(a", Literal.of(1)));
        assertEquals(true, e.getMessage().startsWith("Invalid regular expression '(a' in REGEXP_EXTRACT"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new RegexpExtract(S, "(a)", Literal.of(2)));
        assertEquals("The group index 2 of REGEXP_EXTRACT is not in [0, 1]: the regular expression '(a)' has 1 group(s)",
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new RegexpExtract(S, "(a)", Literal.of(-1)));
        assertThrows(IllegalArgumentException.class, () -> new RegexpExtract(S, "(a)", Literal.of("1")));
    }

    @Test
    void splitIndexKeepsEmptyParts() {
        VectorSchemaRoot input = strings("https://www.nexmark.com/a/b/c/item.htm", "a//b", "/x", "a/", "", "abc", null);
        assertValues(new SplitIndex(S, Literal.of("/"), Literal.of(0)), input, "https:", "a", "", "a", null, "abc", null);
        assertValues(new SplitIndex(S, Literal.of("/"), Literal.of(1)),
                strings("https://www.nexmark.com/a/b/c/item.htm", "a//b", "/x", "a/", "", "abc", null),
                "", "", "x", "", null, null, null);
        assertValues(new SplitIndex(S, Literal.of("/"), Literal.of(3)),
                strings("https://www.nexmark.com/a/b/c/item.htm", "a//b"), "a", null);
        assertValues(new SplitIndex(S, Literal.of("/"), Literal.of(-1)), strings("a/b"), (Object) null);
        assertValues(new SplitIndex(S, Literal.of("::"), Literal.of(1)), strings("a::b::c", "a:b"), "b", null);
    }

    @Test
    void splitIndexAtWhitespaceForAnEmptySeparator() {
        VectorSchemaRoot input = strings("a b", "a  b", " a", "a\tb");
        assertValues(new SplitIndex(S, Literal.of(""), Literal.of(1)), input, "b", "", "a", "b");
        assertValues(new SplitIndex(S, Literal.of(""), Literal.of(2)), strings("a  b", "a b"), "b", null);
    }

    @Test
    void splitIndexPropagatesNull() {
        assertValues(new SplitIndex(S, Literal.nullOf(ColumnType.VARCHAR), Literal.of(0)), strings("a/b"), (Object) null);
        assertValues(new SplitIndex(S, Literal.of("/"), Literal.nullOf(ColumnType.INTEGER)), strings("a/b"), (Object) null);
        assertThrows(IllegalArgumentException.class, () -> new SplitIndex(S, Literal.of("/"), Literal.of("1")));
    }
}
