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
        assertEquals(16_000_000, o.availableNowMaxOffsetsPerTrigger());
        assertEquals(64L << 20, o.availableNowBatchMemoryTarget());
        assertEquals(Runtime.getRuntime().maxMemory(), o.maxBatchMemoryBytes());
    }

    @Test
    void parsesEveryOption() {
        FlowControlOptions o = FlowControlOptions.parse(Map.ofEntries(Map.entry("maxOffsetsPerTrigger", "10_000"),
                Map.entry("maxRatePerPartition", "500"), Map.entry("minOffsetsPerTrigger", "100"),
                Map.entry("maxTriggerDelay", "2 s"), Map.entry("backpressure.enabled", "true"),
                Map.entry("backpressure.initialRate", "1000"), Map.entry("failOnDataLoss", "false"),
                Map.entry("outageTimeout", "30 s"), Map.entry("trigger", "ignored"),
                Map.entry("availableNow.maxOffsetsPerTrigger", "5000"), Map.entry("availableNow.batchMemoryTarget", "8 MB"),
                Map.entry("maxBatchMemory", "256 MB")));
        assertEquals(new FlowControlOptions(OptionalLong.of(10_000), OptionalLong.of(500), 100, Duration.ofSeconds(2),
                true, 1000, false, Duration.ofSeconds(30), 5000, 8L << 20, 256L << 20), o);
        assertEquals(2L << 30, FlowControlOptions.parse(Map.of("maxBatchMemory", "2g")).maxBatchMemoryBytes());
        assertEquals(1000, FlowControlOptions.parse(Map.of("maxBatchMemory", "1_000")).maxBatchMemoryBytes());
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
        e = assertThrows(EngineException.class, () -> FlowControlOptions.parse(Map.of("maxBatchMemory", "lots")));
        assertEquals("Invalid value 'lots' for option 'maxBatchMemory': expected a positive size such as '512 MB' or '2 GB'",
                e.getMessage());
        assertEquals(2L << 30, FlowControlOptions.parse(Map.of("maxBatchMemory", "2 GB")).maxBatchMemoryBytes());
    }
}
