package dev.sluice.connectors.file;

import static java.util.Objects.requireNonNull;

import dev.sluice.connectors.format.RecordDecoder;
import dev.sluice.connectors.format.RecordDecoderException;
import dev.sluice.execution.source.MalformedRecordException;
import dev.sluice.execution.source.PartitionReader;
import dev.sluice.execution.source.ScanSpec;
import dev.sluice.execution.source.SourcePartition;
import dev.sluice.execution.type.RowSchema;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Reads the records {@code [from, until)} of one file into Arrow batches; a record that can't be decoded fails,
 * naming the table, the file and its line.
 */
final class FilePartitionReader implements PartitionReader {
    private final String table;
    private final String file;
    private final ScanSpec spec;
    private final RowSchema columns;
    /** The index of the deleted flag among the columns (always FALSE), or -1. */
    private final int deletedIndex;
    private final RecordDecoder decoder;
    private final FileSource.FileRecords records;
    private final BufferAllocator allocator;
    private long next;

    FilePartitionReader(String table, String file, ScanSpec spec, RowSchema columns, int deletedIndex,
                        RecordDecoder decoder, FileSource.FileRecords records, BufferAllocator allocator) {
        this.deletedIndex = deletedIndex;
        this.table = requireNonNull(table, "table is null");
        this.file = requireNonNull(file, "file is null");
        this.spec = requireNonNull(spec, "spec is null");
        this.columns = requireNonNull(columns, "columns is null");
        this.decoder = requireNonNull(decoder, "decoder is null");
        this.records = requireNonNull(records, "records is null");
        this.allocator = requireNonNull(allocator, "allocator is null");
        this.next = spec.range().fromOffset();
    }

    @Override
    public VectorSchemaRoot next() {
        long until = Math.min(spec.range().untilOffset(), records.records().size());
        if (next >= until) {
            return null;
        }
        int rows = (int) Math.min(spec.maxBatchRows(), until - next);
        VectorSchemaRoot root = VectorSchemaRoot.create(columns.toArrowSchema(), allocator);
        try {
            for (FieldVector v : root.getFieldVectors()) {
                v.setInitialCapacity(rows);
                v.allocateNew();
            }
            List<FieldVector> decoded = new java.util.ArrayList<>(root.getFieldVectors());
            if (deletedIndex >= 0) {
                org.apache.arrow.vector.BitVector deleted = (org.apache.arrow.vector.BitVector) decoded.remove(deletedIndex);
                for (int row = 0; row < rows; row++) {
                    deleted.setSafe(row, 0);
                }
            }
            decoder.bind(decoded);
            for (int row = 0; row < rows; row++) {
                long offset = next + row;
                try {
                    decoder.decode(records.records().get((int) offset), row);
                } catch (RecordDecoderException e) {
                    throw new MalformedRecordException(table, spec.range().partition(), offset, e.reason()
                            + " (file " + file + " line " + records.lineNumbers()[(int) offset] + ")");
                }
            }
            for (FieldVector v : root.getFieldVectors()) {
                v.setValueCount(rows);
            }
            root.setRowCount(rows);
            next += rows;
            return root;
        } catch (RuntimeException e) {
            root.close();
            throw e;
        }
    }

    @Override
    public SourcePartition partition() {
        return spec.range().partition();
    }

    @Override
    public long malformedRecords() {
        return 0;
    }

    @Override
    public void close() {
    }
}
