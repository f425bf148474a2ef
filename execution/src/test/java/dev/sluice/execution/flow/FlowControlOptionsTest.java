package dev.sluice.execution.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.execution.error.EngineException;
import dev.sluice.execution.error.ErrorType;
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
        EngineException e = assertThrows(EngineException.class,
                () -> FlowControlOptions.parse(Map.of("maxOffsetsPerTrigger", "-5")));
        assertEquals("Invalid value '-5' for option 'maxOffsetsPerTrigger': expected a positive whole number",
                e.getMessage());
        assertEquals(ErrorType.USER_ERROR, e.type());
        e = assertThrows(EngineException.class,
                () -> FlowControlOptions.parse(Map.of("backpressure.enabled", "yes")));
        assertEquals("Invalid value 'yes' for option 'backpressure.enabled': expected true or false", e.getMessage());
        e = assertThrows(EngineException.class,
                () -> FlowControlOptions.parse(Map.of("outageTimeout", "forever")));
        assertTrue(e.getMessage().startsWith("Invalid value 'forever' for option 'outageTimeout': expected a duration"),
                e.getMessage());
    }
}
