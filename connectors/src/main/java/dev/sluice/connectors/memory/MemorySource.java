package dev.sluice.connectors.memory;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.connector.TableDescriptor;
import dev.sluice.execution.error.EngineException;
import dev.sluice.execution.error.ErrorType;
import dev.sluice.execution.source.PartitionReader;
import dev.sluice.execution.source.RangeSequenceReader;
import dev.sluice.execution.source.ScanSpec;
import dev.sluice.execution.source.SourcePartition;
import dev.sluice.execution.source.StreamSource;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.RowSchema;
import dev.sluice.execution.type.VectorValues;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/** Reads a memory table: one partition {@code memory:<name>-0} whose offsets are row numbers. */
final class MemorySource implements StreamSource {
    private final TableDescriptor table;
    private final MemoryTableStore store;
    private final SourcePartition partition;

    MemorySource(TableDescriptor table, MemoryTableStore store) {
        this.table = requireNonNull(table, "table is null");
        this.store = requireNonNull(store, "store is null");
        this.partition = new SourcePartition("memory:" + table.name(), 0);
    }

    @Override
    public String name() {
        return table.name();
    }

    @Override
    public RowSchema schema() {
        return table.schema();
    }

    @Override
    public Map<SourcePartition, Long> initialOffsets() {
        return Map.of(partition, 0L);
    }

    @Override
    public Map<SourcePartition, Long> latestOffsets() {
        return Map.of(partition, store.size(table.name()));
    }

    @Override
    public PartitionReader openReader(ScanSpec spec, BufferAllocator allocator) {
        // A memory table's rows are rows, never deletes: the deleted flag of a table with a primary key is FALSE.
        int[] columns = spec.columns().stream().mapToInt(c -> {
            if (c.equals(StreamSource.DELETED_COLUMN)) {
                return -1;
            }
            int i = table.schema().indexOf(c);
            if (i < 0) {
                throw new EngineException(ErrorType.USER_ERROR, "Memory table '" + table.name() + "' has no column '" + c + "'");
            }
            return i;
        }).toArray();
        RowSchema projected = new RowSchema(spec.columns().stream().map(c -> c.equals(StreamSource.DELETED_COLUMN)
                ? new Column(c, ColumnType.BOOLEAN, false) : table.schema().find(c).orElseThrow()).toList());
        return RangeSequenceReader.of(spec, one -> new PartitionReader() {
            private long next = one.range().fromOffset();

            @Override
            public VectorSchemaRoot next() {
                long until = Math.min(one.range().untilOffset(), next + one.maxBatchRows());
                if (next >= until) {
                    return null;
                }
                List<List<Object>> rows = new ArrayList<>();
                for (List<Object> row : store.rows(table.name(), next, until)) {
                    List<Object> values = new ArrayList<>(columns.length);
                    for (int c : columns) {
                        values.add(c < 0 ? Boolean.FALSE : row.get(c));
                    }
                    rows.add(values);
                }
                next = until;
                return rows.isEmpty() ? null : VectorValues.toBatch(projected, rows, allocator);
            }

            @Override
            public SourcePartition partition() {
                return one.range().partition();
            }

            @Override
            public long malformedRecords() {
                return 0;
            }

            @Override
            public void close() {
            }
        });
    }

    @Override
    public void close() {
    }
}
