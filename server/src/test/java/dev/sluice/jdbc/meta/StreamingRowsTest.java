package dev.sluice.jdbc.meta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.api.ResultBatch;
import dev.sluice.api.SluiceException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The buffer between a SELECT STREAM's thread and a JDBC reader: backpressure, and readers that vanish. */
class StreamingRowsTest {
    private static ResultBatch batch(long... values) {
        return new ResultBatch(0, List.of("v"), java.util.Arrays.stream(values).mapToObj(v -> List.<Object>of(v))
                .toList());
    }

    @Test
    void aFullBufferHoldsTheQueryUntilTheReaderFetches() throws Exception {
        StreamingRows rows = new StreamingRows(2, Duration.ofMinutes(5));
        CompletableFuture<Void> producer = CompletableFuture.runAsync(() -> {
            try {
                rows.accept(batch(1, 2, 3, 4));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(300);
        assertFalse(producer.isDone(), "two rows fit; the third waits for the reader");
        // The first fetch frees the buffer; the producer may refill it before that fetch returns, so the
        // reader sees [1, 2] first and then the rest, in order, however the two threads interleave.
        List<Object> seen = new java.util.ArrayList<>(rows.fetch(10, Duration.ofSeconds(1)).rows());
        assertEquals(List.of(List.of(1L), List.of(2L)), seen.subList(0, 2));
        producer.get(5, TimeUnit.SECONDS);
        while (seen.size() < 4) {
            List<Object> more = rows.fetch(10, Duration.ofSeconds(1)).rows();
            assertFalse(more.isEmpty(), "rows after " + seen + " never arrived");
            seen.addAll(more);
        }
        assertEquals(List.of(List.of(1L), List.of(2L), List.of(3L), List.of(4L)), seen);
    }

    @Test
    void aReaderThatStopsFetchingFailsTheQueryInsteadOfBlockingItForever() throws Exception {
        StreamingRows rows = new StreamingRows(1, Duration.ofMillis(300));
        SluiceException e = assertThrows(SluiceException.class, () -> rows.accept(batch(1, 2)));
        assertTrue(e.getMessage().contains("stopped reading"), e.getMessage());
        rows.accept(batch(3));  // after that, rows are dropped without waiting
    }
}
