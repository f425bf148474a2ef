package dev.sluice.execution.expr;

import static dev.sluice.execution.testing.TestBatches.ts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sluice.execution.expr.Search.NullAs;
import dev.sluice.execution.expr.Search.Range;
import dev.sluice.execution.testing.TestBatches;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.ColumnType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;

class SearchExprTest extends ExprTestBase {
    private static final ColumnRef X = ref(0, "x", ColumnType.INTEGER);

    private VectorSchemaRoot ints(Integer... values) {
        return TestBatches.column(allocator, Column.of("x", ColumnType.INTEGER), (Object[]) values);
    }

    @Test
    void inListOfPoints() {
        Search in = Search.in(X, List.of(3, 1, 2));
        assertValues(in, ints(1, 4, null, 3, 0), true, false, null, true, false);
        assertEquals("(x IN (1, 2, 3))", in.toString());
    }

    @Test
    void nullAsTrueOrFalse() {
        List<Range> points = List.of(Range.point(1), Range.point(2));
        assertValues(new Search(X, points, NullAs.TRUE), ints(1, 5, null), true, false, true);
        assertValues(new Search(X, points, NullAs.FALSE), ints(1, 5, null), true, false, false);
        assertEquals("(x IN (1, 2) OR x IS NULL)", new Search(X, points, NullAs.TRUE).toString());
    }

    @Test
    void rangesWithOpenClosedAndMissingBounds() {
        Search between = Search.between(X, 2, 4);
        assertValues(between, ints(1, 2, 3, 4, 5, null), false, true, true, true, false, null);
        assertEquals("(x BETWEEN 2 AND 4)", between.toString());
        // NOT IN (2, 4): (-inf, 2) (2, 4) (4, +inf)
        Search notIn = new Search(X, List.of(new Range(null, false, 2, false), new Range(2, false, 4, false),
                new Range(4, false, null, false)), NullAs.UNKNOWN);
        assertValues(notIn, ints(Integer.MIN_VALUE, 2, 3, 4, Integer.MAX_VALUE, null), true, false, true, false, true, null);
        assertEquals("(x < 2 OR x > 2 AND x < 4 OR x > 4)", notIn.toString());
        // x < 0 OR x = 5 OR x >= 10, given out of order.
        Search mixed = new Search(X, List.of(new Range(10, true, null, false), Range.point(5), new Range(null, false, 0, false)),
                NullAs.UNKNOWN);
        assertValues(mixed, ints(-1, 0, 5, 9, 10, 11), true, false, true, false, true, true);
    }

    @Test
    void longListsAreBinarySearched() {
        List<Integer> evens = new ArrayList<>();
        for (int i = 0; i < 2000; i += 2) {
            evens.add(i);
        }
        Search in = Search.in(X, evens);
        Integer[] values = new Integer[300];
        Object[] expected = new Object[300];
        for (int i = 0; i < values.length; i++) {
            values[i] = i * 7 - 5;
            expected[i] = values[i] >= 0 && values[i] < 2000 && values[i] % 2 == 0;
        }
        assertValues(in, ints(values), expected);
    }

    @Test
    void doublesVarcharsAndTimestamps() {
        ColumnRef d = ref(0, "d", ColumnType.DOUBLE);
        Search doubles = new Search(d, List.of(new Range(1.0, false, 2.0, true), Range.point(5.5)), NullAs.UNKNOWN);
        assertValues(doubles, TestBatches.column(allocator, Column.of("d", ColumnType.DOUBLE), 1.0, 1.5, 2.0, 5.5, Double.NaN, null),
                false, true, true, true, false, null);

        ColumnRef s = ref(0, "s", ColumnType.VARCHAR);
        assertValues(Search.in(s, List.of("b", "a", "é")),
                TestBatches.column(allocator, Column.of("s", ColumnType.VARCHAR), "a", "ab", "é", "", null), true, false, true, false, null);
        assertValues(new Search(s, List.of(new Range("b", true, "d", false)), NullAs.UNKNOWN),
                TestBatches.column(allocator, Column.of("s", ColumnType.VARCHAR), "a", "b", "bzzz", "d", "c"), false, true, true, false, true);

        ColumnRef t = ref(0, "t", ColumnType.TIMESTAMP);
        Search day = Search.between(t, ts("2024-03-01 00:00:00"), ts("2024-03-01 23:59:59.999"));
        assertValues(day, TestBatches.column(allocator, Column.of("t", ColumnType.TIMESTAMP),
                ts("2024-02-29 23:59:59.999"), ts("2024-03-01 00:00:00"), ts("2024-03-01 12:00:00"), ts("2024-03-02 00:00:00")),
                false, true, true, false);
        assertEquals("(t BETWEEN TIMESTAMP '2024-03-01 00:00:00.000' AND TIMESTAMP '2024-03-01 23:59:59.999')", day.toString());
    }

    @Test
    void booleans() {
        ColumnRef b = ref(0, "b", ColumnType.BOOLEAN);
        assertValues(Search.in(b, List.of(true)), TestBatches.column(allocator, Column.of("b", ColumnType.BOOLEAN), true, false, null),
                true, false, null);
        assertValues(new Search(b, List.of(new Range(false, false, null, false)), NullAs.FALSE),
                TestBatches.column(allocator, Column.of("b", ColumnType.BOOLEAN), true, false, null), true, false, false);
    }

    @Test
    void rejectsOverlappingRanges() {
        assertThrows(IllegalArgumentException.class, () -> new Search(X,
                List.of(Range.closed(1, 5), Range.closed(5, 8)), NullAs.UNKNOWN));
        assertEquals(Arrays.asList(true, false), Arrays.asList(Range.point(1).isPoint(), Range.closed(1, 2).isPoint()));
    }
}
