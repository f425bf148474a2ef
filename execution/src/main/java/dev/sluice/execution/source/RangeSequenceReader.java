package dev.sluice.execution.source;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.function.Function;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Reads a scan's ranges one after the other, each with a reader of its own opened for a scan of that one range:
 * for sources whose ranges cost nothing more read apart (files, memory tables). Empty ranges are not opened.
 */
public final class RangeSequenceReader implements PartitionReader {
    private final List<ScanSpec> scans;
    private final Function<ScanSpec, PartitionReader> open;
    private int next;
    private PartitionReader current;
    private SourcePartition partition;
    private long malformedOfClosed;
    private boolean closed;

    private RangeSequenceReader(List<ScanSpec> scans, Function<ScanSpec, PartitionReader> open) {
        this.scans = scans;
        this.open = open;
    }

    /**
     * A reader of {@code spec}'s ranges, each read by {@code open} given a scan of that range alone (the reader it
     * opens itself when the spec has a single range).
     */
    public static PartitionReader of(ScanSpec spec, Function<ScanSpec, PartitionReader> open) {
        requireNonNull(spec, "spec is null");
        requireNonNull(open, "open is null");
        if (spec.ranges().size() == 1) {
            return open.apply(spec);
        }
        return new RangeSequenceReader(spec.ranges().stream().filter(r -> !r.isEmpty())
                .map(r -> spec.withRanges(List.of(r))).toList(), open);
    }

    @Override
    public VectorSchemaRoot next() {
        if (closed) {
            throw new IllegalStateException("The reader is closed");
        }
        while (true) {
            if (current == null) {
                if (next == scans.size()) {
                    return null;
                }
                current = open.apply(scans.get(next++));
            }
            VectorSchemaRoot batch = current.next();
            if (batch != null) {
                partition = current.partition();
                return batch;
            }
            malformedOfClosed += current.malformedRecords();
            current.close();
            current = null;
        }
    }

    @Override
    public SourcePartition partition() {
        if (partition == null) {
            throw new IllegalStateException("No batch read yet");
        }
        return partition;
    }

    @Override
    public long malformedRecords() {
        return malformedOfClosed + (current == null ? 0 : current.malformedRecords());
    }

    @Override
    public void close() {
        closed = true;
        if (current != null) {
            current.close();
            current = null;
        }
    }
}
