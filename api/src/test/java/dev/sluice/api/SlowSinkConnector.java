package dev.sluice.api;

import dev.sluice.connectors.memory.MemoryConnector;
import dev.sluice.execution.connector.Connector;
import dev.sluice.execution.connector.ConnectorContext;
import dev.sluice.execution.connector.TableDescriptor;
import dev.sluice.execution.sink.StreamSink;
import dev.sluice.execution.source.StreamSource;
import dev.sluice.execution.type.RowSchema;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Test connector 'slow-memory': a memory table whose sink takes {@code micros.per.row} microseconds per
 * row (changeable while a query runs with {@link #setMicrosPerRow}), to make processing slow on purpose.
 */
public final class SlowSinkConnector implements Connector {
    private static final Map<String, Long> MICROS_PER_ROW = new ConcurrentHashMap<>();

    static void setMicrosPerRow(String table, long micros) {
        MICROS_PER_ROW.put(table, micros);
    }

    @Override
    public String identifier() {
        return "slow-memory";
    }

    @Override
    public RowSchema validate(TableDescriptor table) {
        return new MemoryConnector().validate(memoryTable(table));
    }

    @Override
    public StreamSink createSink(TableDescriptor table, ConnectorContext context) {
        StreamSink memory = new MemoryConnector().createSink(memoryTable(table), context);
        MICROS_PER_ROW.putIfAbsent(table.name(), Long.parseLong(table.options().getOrDefault("micros.per.row", "0")));
        return (batchId, schema, batches) -> {
            long rows = batches.stream().mapToLong(VectorSchemaRoot::getRowCount).sum();
            Thread.sleep(rows * MICROS_PER_ROW.get(table.name()) / 1000);
            memory.addBatch(batchId, schema, batches);
        };
    }

    @Override
    public StreamSource createSource(TableDescriptor table, ConnectorContext context) {
        return new MemoryConnector().createSource(memoryTable(table), context);
    }

    @Override
    public void create(TableDescriptor table) {
        new MemoryConnector().create(memoryTable(table));
    }

    @Override
    public void drop(TableDescriptor table) {
        new MemoryConnector().drop(memoryTable(table));
    }

    private static TableDescriptor memoryTable(TableDescriptor table) {
        Map<String, String> options = new HashMap<>(table.options());
        options.put("connector", "memory");
        options.remove("micros.per.row");
        return new TableDescriptor(table.name(), table.schema(), options);
    }
}
