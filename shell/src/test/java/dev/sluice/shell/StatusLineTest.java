package dev.sluice.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sluice.api.QueryProgress;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatusLineTest {
    @Test
    void showsBatchRatesLagAndDelay() {
        QueryProgress p = new QueryProgress("q", 7, Instant.EPOCH, Map.of(), Map.of(),
                Map.of("clicks", Map.of("clicks-0", 40L, "clicks-1", 2L)), 1200, 300, 0, 0, Long.MIN_VALUE, 2400.4, 12000.0, 150, 100,
                Map.of(), 0, 0, -1, List.of());
        assertEquals("-- batch 7: 1200 rows in, 300 out | 2,400 rows/s in, 12,000 rows/s processed | lag 42 | delay 250 ms"
                + " (scheduling 150 ms)", StatementRunner.status(p));
    }
}
