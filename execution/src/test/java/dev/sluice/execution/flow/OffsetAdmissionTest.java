package dev.sluice.execution.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sluice.execution.source.SourcePartition;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OffsetAdmissionTest {
    private static final SourcePartition P0 = new SourcePartition("t", 0);
    private static final SourcePartition P1 = new SourcePartition("t", 1);
    private static final SourcePartition P2 = new SourcePartition("t", 2);

    @Test
    void noLimitReadsToTheLatestOffset() {
        assertEquals(Map.of(P0, 100L, P1, 50L),
                OffsetAdmission.admit(Map.of(P0, 10L, P1, 50L), Map.of(P0, 100L, P1, 50L), Long.MAX_VALUE, Long.MAX_VALUE));
    }

    @Test
    void totalLimitIsSharedInProportionToLag() {
        // Lags 300 and 100: a 100-record budget gives 75 and 25.
        assertEquals(Map.of(P0, 75L, P1, 1025L),
                OffsetAdmission.admit(Map.of(P0, 0L, P1, 1000L), Map.of(P0, 300L, P1, 1100L), 100, Long.MAX_VALUE));
    }

    @Test
    void roundingRemainderGoesToTheLaggingPartitions() {
        // Three equal lags of 10 and a budget of 10: 3 + 3 + 3, the remaining record to the first.
        Map<SourcePartition, Long> ends = OffsetAdmission.admit(Map.of(P0, 0L, P1, 0L, P2, 0L),
                Map.of(P0, 10L, P1, 10L, P2, 10L), 10, Long.MAX_VALUE);
        assertEquals(10L, ends.values().stream().mapToLong(Long::longValue).sum());
        assertEquals(Map.of(P0, 4L, P1, 3L, P2, 3L), ends);
        // A budget smaller than the partition count still makes progress.
        assertEquals(1L, OffsetAdmission.admit(Map.of(P0, 0L, P1, 0L, P2, 0L), Map.of(P0, 10L, P1, 10L, P2, 10L), 1,
                Long.MAX_VALUE).values().stream().mapToLong(Long::longValue).sum());
    }

    @Test
    void perPartitionCapAppliesBeforeTheTotal() {
        assertEquals(Map.of(P0, 20L, P1, 5L),
                OffsetAdmission.admit(Map.of(P0, 0L, P1, 0L), Map.of(P0, 1000L, P1, 5L), Long.MAX_VALUE, 20));
        assertEquals(Map.of(P0, 12L, P1, 3L),
                OffsetAdmission.admit(Map.of(P0, 0L, P1, 0L), Map.of(P0, 1000L, P1, 5L), 15, 20));
    }
}
