package dev.sluice.api;

import dev.sluice.connectors.memory.MemoryConnector;
import dev.sluice.execution.connector.ConnectorContext;
import dev.sluice.execution.connector.TableDescriptor;
import dev.sluice.execution.sink.StreamSink;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Test connector 'slow-memory': a memory table whose sink takes {@code micros.per.row} microseconds per
 * row (changeable while a query runs with {@link #setMicrosPerRow}), to make processing slow on purpose.
 */
public final class SlowSinkConnector extends WrappingConnector {
    private static final Map<String, Long> MICROS_PER_ROW = new ConcurrentHashMap<>();

    public SlowSinkConnector() {
        super("slow-memory", new MemoryConnector(), List.of("micros.per.row"));
    }

    static void setMicrosPerRow(String table, long micros) {
        MICROS_PER_ROW.put(table, micros);
    }

    @Override
    public StreamSink createSink(TableDescriptor table, ConnectorContext context) {
        StreamSink memory = delegate.createSink(delegateTable(table), context);
        MICROS_PER_ROW.putIfAbsent(table.name(), Long.parseLong(table.options().getOrDefault("micros.per.row", "0")));
        return (batchId, schema, batches) -> {
            long rows = batches.stream().mapToLong(VectorSchemaRoot::getRowCount).sum();
            Thread.sleep(rows * MICROS_PER_ROW.get(table.name()) / 1000);
            memory.addBatch(batchId, schema, batches);
        };
    }
}
