package dev.sluice.connectors.blackhole;

import dev.sluice.execution.connector.Connector;
import dev.sluice.execution.connector.ConnectorContext;
import dev.sluice.execution.connector.TableDescriptor;
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
 * benchmarks. Counts are per process; no options.
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
        return (batchId, schema, batches) -> {
            for (VectorSchemaRoot root : batches) {
                rows.addAndGet(root.getRowCount());
            }
        };
    }
}
