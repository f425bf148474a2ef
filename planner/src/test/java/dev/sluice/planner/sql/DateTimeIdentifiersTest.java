package dev.sluice.planner.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class DateTimeIdentifiersTest {
    @Test
    void quotesDateTimeNamesOnly() {
        assertEquals("SELECT \"dateTime\", TO_TIMESTAMP_LTZ(b.\"DATETIME\", 3) FROM bid b WHERE \"datetime\" > 0",
                DateTimeIdentifiers.quote("SELECT dateTime, TO_TIMESTAMP_LTZ(b.DATETIME, 3) FROM bid b WHERE datetime > 0"));
        // Literals, strings, quoted names, comments and longer words are left alone.
        String untouched = "SELECT DATETIME '2024-01-01 10:00:00', 'dateTime', \"dateTime\", dateTimes -- dateTime\n"
                + "/* dateTime */ FROM t";
        assertEquals(untouched, DateTimeIdentifiers.quote(untouched));
    }
}
