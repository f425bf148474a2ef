package dev.sluice.execution.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class FlowControlOptionsTest {
    @Test
    void defaultsAreNoLimits() {
        FlowControlOptions o = FlowControlOptions.DEFAULT;
        assertEquals(OptionalLong.empty(), o.maxOffsetsPerTrigger());
        assertEquals(OptionalLong.empty(), o.maxRatePerPartition());
        assertEquals(0, o.minOffsetsPerTrigger());
        assertEquals(Duration.ofSeconds(15), o.maxTriggerDelay());
        assertFalse(o.backpressureEnabled());
        assertTrue(o.failOnDataLoss());
        assertEquals(Duration.ofMinutes(5), o.outageTimeout());
    }

    @Test
    void parsesEveryOption() {
        FlowControlOptions o = FlowControlOptions.parse(Map.of("maxOffsetsPerTrigger", "10_000",
                "maxRatePerPartition", "500", "minOffsetsPerTrigger", "100", "maxTriggerDelay", "2 s",
                "backpressure.enabled", "true", "backpressure.initialRate", "1000", "failOnDataLoss", "false",
                "outageTimeout", "30 s", "trigger", "ignored"));
        assertEquals(new FlowControlOptions(OptionalLong.of(10_000), OptionalLong.of(500), 100, Duration.ofSeconds(2),
                true, 1000, false, Duration.ofSeconds(30)), o);
    }

    @Test
    void badValuesNameTheOption() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FlowControlOptions.parse(Map.of("maxOffsetsPerTrigger", "-5")));
        assertEquals("Option 'maxOffsetsPerTrigger' must be a positive whole number, not '-5'", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> FlowControlOptions.parse(Map.of("backpressure.enabled", "yes")));
        assertEquals("Option 'backpressure.enabled' must be 'true' or 'false', not 'yes'", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> FlowControlOptions.parse(Map.of("outageTimeout", "forever")));
        assertTrue(e.getMessage().startsWith("Option 'outageTimeout' must be a duration"), e.getMessage());
    }
}
