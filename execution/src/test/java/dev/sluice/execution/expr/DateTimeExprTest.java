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

/** Extract and TruncateTimestamp. */
class DateTimeExprTest extends ExprTestBase {
    private static final ColumnRef T = ref(0, "t", ColumnType.TIMESTAMP);

    private VectorSchemaRoot times(LocalDateTime... values) {
        return TestBatches.column(allocator, Column.of("t", ColumnType.TIMESTAMP), (Object[]) values);
    }

    @Test
    void extractsFields() {
        // A Saturday, and a time before 1970 (negative epoch millis).
        LocalDateTime saturday = ts("2024-08-17 13:45:30.250");
        LocalDateTime old = ts("1969-12-31 23:59:58.500");
        Object[][] expected = {
            {DateTimeUnit.YEAR, 2024L, 1969L},
            {DateTimeUnit.QUARTER, 3L, 4L},
            {DateTimeUnit.MONTH, 8L, 12L},
            {DateTimeUnit.WEEK, 33L, 1L},
            {DateTimeUnit.DAY, 17L, 31L},
            {DateTimeUnit.DAY_OF_WEEK, 7L, 4L},
            {DateTimeUnit.DAY_OF_YEAR, 230L, 365L},
            {DateTimeUnit.HOUR, 13L, 23L},
            {DateTimeUnit.MINUTE, 45L, 59L},
            {DateTimeUnit.SECOND, 30L, 58L},
            {DateTimeUnit.MILLISECOND, 30_250L, 58_500L},
            {DateTimeUnit.EPOCH, 1723902330L, -2L},
        };
        for (Object[] e : expected) {
            assertValues(new Extract((DateTimeUnit) e[0], T), times(saturday, old, null), e[1], e[2], null);
        }
        assertEquals("EXTRACT(DOW FROM t)", new Extract(DateTimeUnit.DAY_OF_WEEK, T).toString());
        assertThrows(IllegalArgumentException.class, () -> new Extract(DateTimeUnit.YEAR, Literal.of(1)));
    }

    @Test
    void floorsAndCeils() {
        LocalDateTime t = ts("2024-08-17 13:45:30.250");
        Object[][] expected = {
            {DateTimeUnit.YEAR, ts("2024-01-01 00:00:00"), ts("2025-01-01 00:00:00")},
            {DateTimeUnit.QUARTER, ts("2024-07-01 00:00:00"), ts("2024-10-01 00:00:00")},
            {DateTimeUnit.MONTH, ts("2024-08-01 00:00:00"), ts("2024-09-01 00:00:00")},
            {DateTimeUnit.DAY, ts("2024-08-17 00:00:00"), ts("2024-08-18 00:00:00")},
            {DateTimeUnit.HOUR, ts("2024-08-17 13:00:00"), ts("2024-08-17 14:00:00")},
            {DateTimeUnit.MINUTE, ts("2024-08-17 13:45:00"), ts("2024-08-17 13:46:00")},
            {DateTimeUnit.SECOND, ts("2024-08-17 13:45:30"), ts("2024-08-17 13:45:31")},
        };
        for (Object[] e : expected) {
            DateTimeUnit unit = (DateTimeUnit) e[0];
            assertValues(new TruncateTimestamp(T, unit, false), times(t, null), e[1], null);
            assertValues(new TruncateTimestamp(T, unit, true), times(t, (LocalDateTime) e[1]), e[2], e[1]);
        }
        assertValues(new TruncateTimestamp(T, DateTimeUnit.DAY, false), times(ts("1969-12-31 23:00:00")), ts("1969-12-31 00:00:00"));
        assertEquals("FLOOR(t TO DAY)", new TruncateTimestamp(T, DateTimeUnit.DAY, false).toString());
        assertThrows(IllegalArgumentException.class, () -> new TruncateTimestamp(T, DateTimeUnit.WEEK, false));
    }
}
