package dev.sluice.execution.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class PidRateEstimatorTest {
    @Test
    void firstBatchOnlyCalibrates() {
        PidRateEstimator pid = PidRateEstimator.withDefaults(1000);
        assertEquals(OptionalDouble.empty(), pid.compute(1000, 5000, 1000, 0));
    }

    @Test
    void slowProcessingLowersTheRateAndSchedulingDelayLowersItMore() {
        PidRateEstimator pid = PidRateEstimator.withDefaults(1000);
        pid.compute(1000, 10_000, 1000, 0);  // calibrates at 10,000 records/s
        // Next batch: 10,000 records took 4 s: processing rate 2,500/s, 3 s of scheduling delay.
        double rate = pid.compute(5000, 10_000, 4000, 3000).orElseThrow();
        // error = 10,000 - 2,500 = 7,500; historical error = 3000 * 2500 / 1000 = 7,500:
        // 10,000 - 1.0 * 7,500 - 0.2 * 7,500 = 1,000
        assertEquals(1000.0, rate, 1e-9);
    }

    @Test
    void rateRecoversWhenProcessingIsFastAgainAndNeverFallsBelowTheMinimum() {
        PidRateEstimator pid = new PidRateEstimator(1000, 1.0, 0.2, 0.0, 100);
        pid.compute(1000, 100, 1000, 0);  // 100/s
        double low = pid.compute(2000, 100, 10_000, 9000).orElseThrow();
        assertEquals(100.0, low, 1e-9, "floored at the minimum rate");
        double up = pid.compute(3000, 100, 10, 0).orElseThrow();  // 10,000/s processing
        assertTrue(up > 5000, "rate follows a fast processing rate: " + up);
    }

    @Test
    void batchesWithoutDataChangeNothing() {
        PidRateEstimator pid = PidRateEstimator.withDefaults(1000);
        pid.compute(1000, 1000, 100, 0);
        assertEquals(OptionalDouble.empty(), pid.compute(2000, 0, 100, 0));
        assertEquals(OptionalDouble.empty(), pid.compute(2000, 10, 0, 0));
    }
}
