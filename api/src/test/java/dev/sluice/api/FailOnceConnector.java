package dev.sluice.api;

import dev.sluice.connectors.file.FileSystemConnector;
import dev.sluice.execution.connector.Connector;
import dev.sluice.execution.connector.ConnectorContext;
import dev.sluice.execution.connector.TableDescriptor;
import dev.sluice.execution.sink.StreamSink;
import dev.sluice.execution.type.RowSchema;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Test connector 'fail-once-file': a filesystem sink that crashes the query once, at batch
 * {@code fail.batch}, either before handing the batch to the file sink or after the file sink took it
 * (i.e. just before the commit marker would be written). Used to prove exactly-once recovery.
 */
public final class FailOnceConnector implements Connector {
    static final Set<String> FAILED = ConcurrentHashMap.newKeySet();

    @Override
    public String identifier() {
        return "fail-once-file";
    }

    @Override
    public RowSchema validate(TableDescriptor table) {
        return new FileSystemConnector().validate(fileTable(table));
    }

    @Override
    public StreamSink createSink(TableDescriptor table, ConnectorContext context) {
        StreamSink files = new FileSystemConnector().createSink(fileTable(table), context);
        long failBatch = Long.parseLong(table.options().get("fail.batch"));
        boolean afterSink = "after-sink".equals(table.options().get("fail.when"));
        String key = table.options().get("path");
        return new StreamSink() {
            @Override
            public void addBatch(long batchId, RowSchema schema, java.util.List<org.apache.arrow.vector.VectorSchemaRoot> batches)
                    throws Exception {
                boolean crash = batchId == failBatch && FAILED.add(key);
                if (crash && !afterSink) {
                    throw new IllegalStateException("injected crash before the sink took batch " + batchId);
                }
                files.addBatch(batchId, schema, batches);
                if (crash) {
                    throw new IllegalStateException("injected crash after the sink took batch " + batchId);
                }
            }

            @Override
            public void close() {
                files.close();
            }
        };
    }

    private static TableDescriptor fileTable(TableDescriptor table) {
        Map<String, String> options = new HashMap<>(table.options());
        options.put("connector", "filesystem");
        options.remove("fail.batch");
        options.remove("fail.when");
        return new TableDescriptor(table.name(), table.schema(), options);
    }
}
