package dev.sluice.execution.source;

import dev.sluice.execution.type.RowSchema;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;

/**
 * A table that can be read as offset ranges per partition (the "direct" model: no receivers).
 *
 * <p>Thread-safety: {@link #latestOffsets()} and {@link #initialOffsets()} are called by the query's
 * driver thread; {@link #openReader} may be called from several task threads at once, and each reader is
 * used by one thread. The caller closes the source, which closes any shared client.
 */
public interface StreamSource extends AutoCloseable {
    /**
     * A column that a reader of a table with a primary key (a table of upserts: each record its key's new row)
     * returns when a {@link ScanSpec} asks for it, after the table's columns: BOOLEAN, TRUE for a record that
     * deletes its key (a Kafka tombstone: a record with a key and a null value), whose columns other than the
     * key's are then NULL; FALSE for any other record. A source whose records never delete returns FALSE. The
     * plan asks for it to read such a table as its latest row per key
     * ({@code dev.sluice.execution.operator.ChangelogNormalizeOperator}); a scan that does not ask for it gets
     * no row for a tombstone.
     */
    String DELETED_COLUMN = "$deleted";

    /** The table's name, for errors and progress. */
    String name();

    /** Every readable column: declared columns then connector metadata columns. */
    RowSchema schema();

    /** Where a query with no checkpoint starts (per the table's startup mode), per partition. */
    Map<SourcePartition, Long> initialOffsets();

    /** The end offset (exclusive) of every partition now; partitions may appear over time. */
    Map<SourcePartition, Long> latestOffsets();

    /**
     * The earliest offset still available per partition (records below it were deleted by retention).
     * Default: unknown, i.e. an empty map.
     */
    default Map<SourcePartition, Long> earliestOffsets() {
        return Map.of();
    }

    /**
     * Per topic the table reads now, an id that is new each time a topic of that name is created (for
     * Kafka: the topic's UUID), so that a topic deleted and recreated is told apart from the one the query
     * read before, even when the new one has more records than the old one had. Called by the driver
     * thread before {@link #latestOffsets()} when a batch is planned; the ids are kept in the offset log.
     * Default: none (an empty map), for sources whose partitions have no such identity.
     */
    default Map<String, String> topicIds() {
        return Map.of();
    }

    /**
     * What can't be reached, if {@code failure} (thrown while planning or running a batch of a query that
     * reads this source) means that this source's system is unreachable for now and may come back, e.g.
     * {@code "Kafka at 'host:9092'"} for timeouts and lost connections; empty for every other failure (bad
     * data, a missing topic, deleted offsets, a bug). The query then waits and re-runs the batch with the
     * same offsets, up to its {@code outageTimeout}. Default: empty (nothing is retried).
     */
    default Optional<String> unreachable(Throwable failure) {
        return Optional.empty();
    }

    /**
     * Tells the source that batch {@code batchId} of a continuous query is committed (its commit marker
     * written to the checkpoint), with the end offset (exclusive) of every partition of this source that the
     * batch covered. For publishing a query's progress outside Sluice (the Kafka source commits these
     * offsets to a consumer group, for Kafka's tools to show the query's lag); the checkpoint, not this,
     * says where a query resumes. Called on the query's driver thread: it must return quickly, and a
     * failure must not fail the query (the engine logs anything thrown). Bounded queries never call it.
     * Default: nothing.
     */
    default void onBatchCommitted(long batchId, Map<SourcePartition, Long> endOffsets) {
    }

    /**
     * Opens a reader for one task. The batches it returns are allocated from {@code allocator} and owned
     * by the caller.
     */
    PartitionReader openReader(ScanSpec spec, BufferAllocator allocator);

    @Override
    void close();
}
