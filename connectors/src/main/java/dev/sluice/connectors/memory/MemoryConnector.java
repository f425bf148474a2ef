package dev.sluice.connectors.memory;

import dev.sluice.execution.connector.Connector;
import dev.sluice.execution.connector.ConnectorContext;
import dev.sluice.execution.connector.TableDescriptor;
import dev.sluice.execution.sink.StreamSink;
import dev.sluice.execution.source.StreamSource;
import dev.sluice.execution.type.RowSchema;
import java.util.List;

/**
 * Connector 'memory': a named in-process table (see {@link MemoryTableStore}) that queries write with
 * {@code INSERT INTO} (exactly-once per batch id) and read like any table (one partition, offsets are
 * row numbers). No options.
 */
public final class MemoryConnector implements Connector {
    public static final String IDENTIFIER = "memory";

    @Override
    public String identifier() {
        return IDENTIFIER;
    }

    @Override
    public RowSchema validate(TableDescriptor table) {
        table.checkOptions("memory", List.of());
        return new RowSchema(List.of());
    }

    @Override
    public StreamSource createSource(TableDescriptor table, ConnectorContext context) {
        return new MemorySource(table, MemoryTableStore.instance());
    }

    @Override
    public StreamSink createSink(TableDescriptor table, ConnectorContext context) {
        return new MemorySink(table.name(), context.queryId(), MemoryTableStore.instance());
    }

    @Override
    public void create(TableDescriptor table) {
        MemoryTableStore.instance().drop(table.name());  // a new table starts empty
    }

    @Override
    public void drop(TableDescriptor table) {
        MemoryTableStore.instance().drop(table.name());
    }
}
