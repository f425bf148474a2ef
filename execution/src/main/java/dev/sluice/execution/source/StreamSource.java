package dev.sluice.execution.source;

import dev.sluice.execution.type.RowSchema;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;

/**
 * A table that can be read as offset ranges per partition (the "direct" model: no receivers).
 *
 * <p>Thread-safety: {@link #latestOffsets()} and {@link #initialOffsets()} are called by the query's
 * driver thread; {@link #openReader} may be called from several task threads at once, and each reader is
 * used by one thread. The caller closes the source, which closes any shared client.
 */
public interface StreamSource extends AutoCloseable {
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
     * Opens a reader for one task. The batches it returns are allocated from {@code allocator} and owned
     * by the caller.
     */
    PartitionReader openReader(ScanSpec spec, BufferAllocator allocator);

    @Override
    void close();
}
