package dev.sluice.execution.source;

import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Reads one {@link ScanSpec}: every offset of each of its ranges exactly once, decoded into Arrow batches of the
 * spec's columns. Each batch holds rows of one partition ({@link #partition()}), in offset order within that
 * partition; the batches of different partitions may come interleaved, in any order (a Kafka consumer reading a
 * group of partitions returns them as its fetches arrive).
 *
 * <p>Lifecycle: open &gt; {@link #next()} until null &gt; {@link #close()}. Not thread-safe.
 */
public interface PartitionReader extends AutoCloseable {
    /**
     * The next batch (at most the spec's max rows, never empty), or null once every range is done. The
     * caller owns and closes the returned root.
     *
     * @throws MalformedRecordException if a record can't be decoded and the table's policy is to fail
     * @throws SourceException if the source can't deliver the range (e.g. offsets out of retention)
     */
    VectorSchemaRoot next();

    /** The partition whose rows the batch {@link #next()} last returned holds. */
    SourcePartition partition();

    /** Records skipped so far because they could not be decoded (policy 'skip' or 'dead-letter'). */
    long malformedRecords();

    @Override
    void close();
}
