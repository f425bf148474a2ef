package dev.sluice.shell.printer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.LocalDateTime;
import org.junit.jupiter.api.Test;

class ValueFormatterTest {
    @Test
    void formatsValuesOfEachType() {
        assertEquals("NULL", ValueFormatter.format(null));
        assertEquals("true", ValueFormatter.format(true));
        assertEquals("42", ValueFormatter.format(42));
        assertEquals("9000000000", ValueFormatter.format(9_000_000_000L));
        assertEquals("0.25", ValueFormatter.format(0.25));
        assertEquals("/p/1", ValueFormatter.format("/p/1"));
        assertEquals("2024-12-31 23:59:59.000", ValueFormatter.format(LocalDateTime.of(2024, 12, 31, 23, 59, 59)));
        assertEquals("1970-01-01 00:00:00.123", ValueFormatter.format(LocalDateTime.of(1970, 1, 1, 0, 0, 0, 123_456_789)));
    }
}
