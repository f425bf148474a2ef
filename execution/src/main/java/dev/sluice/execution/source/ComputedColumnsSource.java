package dev.sluice.execution.source;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.expr.ColumnRef;
import dev.sluice.execution.expr.ExpressionException;
import dev.sluice.execution.expr.PhysicalExpr;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.RowSchema;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.util.TransferPair;

/**
 * A source whose readers also yield the table's computed columns ({@code event_time AS
 * TO_TIMESTAMP_LTZ(dateTime, 3)}), computed from the columns the wrapped source reads, so that every consumer
 * of a scan (the event-time tracking and late-row dropping of its tasks included) sees a computed column as a
 * column of the table.
 *
 * <p>A reader asked for computed columns reads the physical and metadata columns they are computed from (and
 * only those, plus the ones asked for), evaluates each computed column over each batch, a whole batch at a
 * time, and returns the columns in the order asked. A reader asked for no computed column is the wrapped
 * source's own. Offsets, partitions and commits are the wrapped source's. Closing this source closes it.
 */
public final class ComputedColumnsSource implements StreamSource {
    /**
     * A computed column resolved by the planner: its name and executed type, the columns it is computed from
     * (physical or metadata, by name), and the expression over a batch of exactly those columns, in that order.
     */
    public record Definition(Column column, List<String> inputs, PhysicalExpr expression) {
        public Definition {
            requireNonNull(column, "column is null");
            inputs = List.copyOf(inputs);
            requireNonNull(expression, "expression is null");
            if (expression.type() != column.type()) {
                throw new IllegalArgumentException("The expression " + expression + " of column '" + column.name()
                        + "' is " + expression.type() + ", not " + column.type());
            }
        }
    }

    private final StreamSource delegate;
    /** By lower-case name. */
    private final Map<String, Definition> computed;
    private final RowSchema schema;

    private ComputedColumnsSource(StreamSource delegate, List<Definition> computed) {
        this.delegate = delegate;
        this.computed = new LinkedHashMap<>();
        List<Column> columns = new ArrayList<>(delegate.schema().columns());
        for (Definition d : computed) {
            this.computed.put(key(d.column().name()), d);
            columns.add(d.column());
        }
        this.schema = new RowSchema(columns);
    }

    /** {@code source} with {@code computed} columns, or {@code source} itself if there are none. */
    public static StreamSource wrap(StreamSource source, List<Definition> computed) {
        requireNonNull(source, "source is null");
        return computed.isEmpty() ? source : new ComputedColumnsSource(source, computed);
    }

    private static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    @Override
    public String name() {
        return delegate.name();
    }

    /** The wrapped source's columns, then the computed ones. */
    @Override
    public RowSchema schema() {
        return schema;
    }

    @Override
    public Map<SourcePartition, Long> initialOffsets() {
        return delegate.initialOffsets();
    }

    @Override
    public Map<SourcePartition, Long> latestOffsets() {
        return delegate.latestOffsets();
    }

    @Override
    public Map<SourcePartition, Long> earliestOffsets() {
        return delegate.earliestOffsets();
    }

    @Override
    public Map<String, String> topicIds() {
        return delegate.topicIds();
    }

    @Override
    public Optional<String> unreachable(Throwable failure) {
        return delegate.unreachable(failure);
    }

    @Override
    public void onBatchCommitted(long batchId, Map<SourcePartition, Long> endOffsets) {
        delegate.onBatchCommitted(batchId, endOffsets);
    }

    @Override
    public PartitionReader openReader(ScanSpec spec, BufferAllocator allocator) {
        if (spec.columns().stream().noneMatch(c -> computed.containsKey(key(c)))) {
            return delegate.openReader(spec, allocator);
        }
        Set<String> base = new LinkedHashSet<>();
        for (String c : spec.columns()) {
            if (!computed.containsKey(key(c))) {
                base.add(c);
            }
        }
        for (String c : spec.columns()) {
            Definition d = computed.get(key(c));
            if (d != null) {
                base.addAll(d.inputs());
            }
        }
        List<String> baseColumns = List.copyOf(base);
        PartitionReader reader = delegate.openReader(new ScanSpec(spec.ranges(), baseColumns, spec.maxBatchRows()),
                allocator);
        return new Reader(reader, spec, baseColumns, allocator);
    }

    @Override
    public void close() {
        delegate.close();
    }

    /** A column readers return: one of the schema's, or the deleted flag of a table of upserts. */
    private Column readColumn(String name) {
        if (name.equals(DELETED_COLUMN)) {
            return new Column(name, dev.sluice.execution.type.ColumnType.BOOLEAN, false);
        }
        return schema.find(name).orElseThrow(() -> new IllegalArgumentException("Table '" + name()
                + "' has no column '" + name + "'"));
    }

    /** Reads the base columns and adds the computed ones; owns the wrapped reader. */
    private final class Reader implements PartitionReader {
        private final PartitionReader base;
        private final ScanSpec spec;
        private final List<String> baseColumns;
        private final BufferAllocator allocator;
        private final List<Field> outputFields;

        Reader(PartitionReader base, ScanSpec spec, List<String> baseColumns, BufferAllocator allocator) {
            this.base = base;
            this.spec = spec;
            this.baseColumns = baseColumns;
            this.allocator = allocator;
            List<Column> output = new ArrayList<>();
            for (String c : spec.columns()) {
                output.add(readColumn(c));
            }
            this.outputFields = new RowSchema(output).toArrowSchema().getFields();
        }

        @Override
        public VectorSchemaRoot next() {
            try (VectorSchemaRoot batch = base.next()) {
                if (batch == null) {
                    return null;
                }
                List<FieldVector> vectors = new ArrayList<>(outputFields.size());
                try {
                    for (int i = 0; i < outputFields.size(); i++) {
                        try (FieldVector value = column(batch, spec.columns().get(i))) {
                            TransferPair rename = value.getTransferPair(outputFields.get(i), allocator);
                            rename.transfer();
                            vectors.add((FieldVector) rename.getTo());
                        }
                    }
                } catch (RuntimeException | Error e) {
                    vectors.forEach(FieldVector::close);
                    throw e;
                }
                return new VectorSchemaRoot(outputFields, vectors, batch.getRowCount());
            }
        }

        /** Column {@code name} over {@code batch}: shared if read, computed otherwise. The caller closes it. */
        private FieldVector column(VectorSchemaRoot batch, String name) {
            Definition d = computed.get(key(name));
            if (d == null) {
                int index = indexOf(name);
                return new ColumnRef(index, name, readColumn(name).type()).evaluate(batch, allocator);
            }
            List<Field> fields = new ArrayList<>();
            List<FieldVector> inputs = new ArrayList<>();
            for (String input : d.inputs()) {
                FieldVector v = batch.getVector(indexOf(input));
                fields.add(v.getField());
                inputs.add(v);
            }
            // A view of the batch's own vectors (not closed here: the batch owns them).
            VectorSchemaRoot view = new VectorSchemaRoot(fields, inputs, batch.getRowCount());
            try {
                return d.expression().evaluate(view, allocator);
            } catch (ExpressionException e) {
                SourcePartition partition = base.partition();
                OffsetRange range = spec.ranges().stream().filter(r -> r.partition().equals(partition)).findFirst()
                        .orElseThrow();
                throw new ExpressionException("Computed column '" + d.column().name() + "' of table '" + name()
                        + "' failed in " + partition + ", offsets " + range.fromOffset() + " to " + range.untilOffset()
                        + ": " + e.getMessage());
            }
        }

        private int indexOf(String column) {
            for (int i = 0; i < baseColumns.size(); i++) {
                if (baseColumns.get(i).equalsIgnoreCase(column)) {
                    return i;
                }
            }
            throw new IllegalStateException("column '" + column + "' is not read");
        }

        @Override
        public SourcePartition partition() {
            return base.partition();
        }

        @Override
        public long malformedRecords() {
            return base.malformedRecords();
        }

        @Override
        public void close() {
            base.close();
        }
    }
}
