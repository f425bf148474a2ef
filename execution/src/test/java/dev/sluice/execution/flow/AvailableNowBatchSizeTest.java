package dev.sluice.execution.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class AvailableNowBatchSizeTest {
    private static final long MB = 1L << 20;

    @Test
    void theFirstBatchReadsASixteenthOfTheMost() {
        assertEquals(1_000_000, new AvailableNowBatchSize(16_000_000, 64 * MB).next());
        assertEquals(2, new AvailableNowBatchSize(30, 64 * MB).next());  // rounded up
        assertEquals(1, new AvailableNowBatchSize(1, 64 * MB).next());
    }

    @Test
    void laterBatchesReadWhatTheLastOnesMemoryPerRecordSaysFitsTheTarget() {
        AvailableNowBatchSize size = new AvailableNowBatchSize(16_000_000, 64 * MB);
        size.observe(1_000_000, 16 * MB);  // 16.8 bytes a record: 4 M fit 64 MB
        assertEquals(4_000_000, size.next());
        size.observe(4_000_000, 128 * MB);  // the records grew wider: back to 2 M
        assertEquals(2_000_000, size.next());
    }

    @Test
    void neverBelowTheFirstBatchNorAboveTheMost() {
        AvailableNowBatchSize size = new AvailableNowBatchSize(16_000_000, 64 * MB);
        size.observe(1_000_000, 640 * MB);  // a pass-through of wide rows: 640 bytes a record
        assertEquals(1_000_000, size.next());
        size.observe(1_000_000, MB);  // an aggregate's few rows
        assertEquals(16_000_000, size.next());
        size.observe(1_000_000, 0);
        assertEquals(16_000_000, size.next());
    }

    @Test
    void aBatchWithoutRecordsChangesNothing() {
        AvailableNowBatchSize size = new AvailableNowBatchSize(16_000_000, 64 * MB);
        size.observe(1_000_000, 32 * MB);
        size.observe(0, 0);  // e.g. the batch that applies the final watermark
        assertEquals(2_000_000, size.next());
    }

    @Test
    void aQueryWhoseRowsGoToTheSinkAsTheyComeReadsTheMostFromTheFirstBatch() {
        AvailableNowBatchSize size = AvailableNowBatchSize.ofMax(16_000_000);
        assertEquals(16_000_000, size.next());
        size.observe(16_000_000, 640 * MB);  // what it held says nothing of what a larger batch would
        assertEquals(16_000_000, size.next());
    }

    @Test
    void refusesSizesBelowOne() {
        assertThrows(IllegalArgumentException.class, () -> new AvailableNowBatchSize(0, MB));
        assertThrows(IllegalArgumentException.class, () -> new AvailableNowBatchSize(10, 0));
        assertThrows(IllegalArgumentException.class, () -> AvailableNowBatchSize.ofMax(0));
    }
}
