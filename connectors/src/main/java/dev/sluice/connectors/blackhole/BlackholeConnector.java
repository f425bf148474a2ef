package dev.sluice.connectors.blackhole;

import dev.sluice.execution.changelog.ChangeBatch;
import dev.sluice.execution.connector.Connector;
import dev.sluice.execution.connector.ConnectorContext;
import dev.sluice.execution.connector.TableDescriptor;
import dev.sluice.execution.sink.BatchWriter;
import dev.sluice.execution.sink.StreamSink;
import dev.sluice.execution.type.RowSchema;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Connector 'blackhole' (as in Flink): a sink that discards rows and only counts them, per table name, for
 * benchmarks; of a result that updates rows, it counts the changes. Counts are per process; no options.
 */
public final class BlackholeConnector implements Connector {
    public static final String IDENTIFIER = "blackhole";

    private static final Map<String, AtomicLong> ROWS = new ConcurrentHashMap<>();

    @Override
    public String identifier() {
        return IDENTIFIER;
    }

    /** Rows written to blackhole table {@code table} in this process so far. */
    public static long rowsWritten(String table) {
        AtomicLong n = ROWS.get(table.toLowerCase(Locale.ROOT));
        return n == null ? 0 : n.get();
    }

    @Override
    public RowSchema validate(TableDescriptor table) {
        table.checkOptions("blackhole", List.of());
        return new RowSchema(List.of());
    }

    @Override
    public StreamSink createSink(TableDescriptor table, ConnectorContext context) {
        AtomicLong rows = ROWS.computeIfAbsent(table.name().toLowerCase(Locale.ROOT), k -> new AtomicLong());
        return new StreamSink() {
            @Override
            public void addBatch(long batchId, RowSchema schema, List<VectorSchemaRoot> batches) {
                for (VectorSchemaRoot root : batches) {
                    rows.addAndGet(root.getRowCount());
                }
            }

            /** Rows as they come: a batch holds no rows for it; they count once the batch commits. */
            @Override
            public boolean writesRowsAsTheyCome() {
                return true;
            }

            @Override
            public BatchWriter openBatch(long batchId, RowSchema schema) {
                return new BatchWriter() {
                    private long written;

                    @Override
                    public void write(VectorSchemaRoot root) {
                        written += root.getRowCount();
                    }

                    @Override
                    public void commit() {
                        rows.addAndGet(written);
                        written = 0;
                    }

                    @Override
                    public void close() {
                    }
                };
            }

            /** An updating result too, as Flink's blackhole does: its changes (inserts and deletes) are counted. */
            @Override
            public boolean takesChanges() {
                return true;
            }

            @Override
            public void addChanges(long batchId, RowSchema schema, List<ChangeBatch> changes) {
                for (ChangeBatch change : changes) {
                    rows.addAndGet(change.rowCount());
                }
            }

            @Override
            public String toString() {
                return "the blackhole table '" + table.name() + "'";
            }
        };
    }
}
