package dev.sluice.execution.flow;

/**
 * How many records per source table the next batch of an {@code available-now} query reads when
 * {@code maxOffsetsPerTrigger} is not set: the first batch a sixteenth of {@code availableNow.maxOffsetsPerTrigger}
 * (1,000,000 of the default 16,000,000), each later one as many as the previous batch's peak Arrow memory per record
 * says fit the memory target ({@code availableNow.batchMemoryTarget}), between the first batch's size and
 * {@code availableNow.maxOffsetsPerTrigger}.
 *
 * <p>Why not one size: what bounds a batch is the memory it holds (its output waits in Arrow until the sink takes the
 * batch), which depends on the query, while each batch costs something per partition it reads: a batch splits its
 * records between the partitions in proportion to their lag, and every partition's range costs a fetch of its own,
 * the records read and skipped before the range's first offset in a record batch shared with the previous range, and
 * an Arrow batch of its own. Over 1,024 partitions, read with Kafka's consumer, batches of 1 M records made ranges of a
 * thousand records that cost about as much CPU as their records (Q1 ran at 0.9 M records/s against 1.5 M in one
 * batch). So a query of small
 * output (a filter, an aggregate) reads a backlog in a few large batches, and a pass-through query of wide rows in
 * batches of the first size; a query whose rows go to the sink as they come ({@link #ofMax}) holds only the rows in
 * flight, whatever the batch's size, and reads the most from the first batch. Mutable; one per query, used by its
 * batch loop.
 */
public final class AvailableNowBatchSize {
    /** The first batch reads this share of the most a batch may read: nothing is measured yet. */
    static final int FIRST_BATCH_SHARE = 16;

    private final long first;
    private final long max;
    private final long memoryTarget;
    private long next;

    /**
     * @param max the most records a batch reads per source table ({@code availableNow.maxOffsetsPerTrigger})
     * @param memoryTarget the peak Arrow memory a batch is sized to, in bytes
     */
    public AvailableNowBatchSize(long max, long memoryTarget) {
        this((max + FIRST_BATCH_SHARE - 1) / FIRST_BATCH_SHARE, max, memoryTarget);
    }

    private AvailableNowBatchSize(long first, long max, long memoryTarget) {
        if (max < 1 || memoryTarget < 1) {
            throw new IllegalArgumentException("max and memoryTarget must be positive: " + max + ", " + memoryTarget);
        }
        this.first = first;
        this.max = max;
        this.memoryTarget = memoryTarget;
        this.next = first;
    }

    /**
     * Batches of {@code max} records from the first: for a query whose batches hold only the rows in flight
     * (they go to the sink as they come), whatever their size.
     */
    public static AvailableNowBatchSize ofMax(long max) {
        return new AvailableNowBatchSize(max, max, Long.MAX_VALUE);
    }

    /** The most records per source table the next batch reads. */
    public long next() {
        return next;
    }

    /**
     * Sizes the next batch after one that read {@code inputRows} records and held at most {@code peakMemoryBytes}
     * of Arrow memory at once; a batch that read nothing says nothing.
     */
    public void observe(long inputRows, long peakMemoryBytes) {
        if (inputRows <= 0 || first == max) {
            return;
        }
        double bytesPerRecord = Math.max(1, peakMemoryBytes) / (double) inputRows;
        next = Math.max(first, Math.min(max, (long) (memoryTarget / bytesPerRecord)));
    }
}
