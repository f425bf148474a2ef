package dev.sluice.api;

import dev.sluice.connectors.memory.MemoryConnector;
import dev.sluice.execution.connector.ConnectorContext;
import dev.sluice.execution.connector.TableDescriptor;
import dev.sluice.execution.sink.StreamSink;
import dev.sluice.execution.type.RowSchema;
import java.net.ConnectException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Test connector 'flaky-memory': a memory table whose sink, for the first {@code fail.batches} calls,
 * takes the batch and then throws as if its system had gone away (caused by a {@link ConnectException},
 * which this sink calls an outage). Every batch id it was given is in {@link #CALLS}, in order.
 */
public final class FlakySinkConnector extends WrappingConnector {
    static final List<Long> CALLS = new CopyOnWriteArrayList<>();

    public FlakySinkConnector() {
        super("flaky-memory", new MemoryConnector(), List.of("fail.batches"));
    }

    @Override
    public StreamSink createSink(TableDescriptor table, ConnectorContext context) {
        StreamSink memory = delegate.createSink(delegateTable(table), context);
        long failing = Long.parseLong(table.options().getOrDefault("fail.batches", "0"));
        AtomicLong calls = new AtomicLong();
        return new StreamSink() {
            @Override
            public void addBatch(long batchId, RowSchema schema, List<VectorSchemaRoot> batches) throws Exception {
                CALLS.add(batchId);
                memory.addBatch(batchId, schema, batches);
                if (calls.incrementAndGet() <= failing) {
                    throw new java.io.IOException("injected outage after the sink took batch " + batchId,
                            new ConnectException("injected: connection refused"));
                }
            }

            @Override
            public Optional<String> unreachable(Throwable failure) {
                return outage(failure, "the flaky sink");
            }

            @Override
            public void close() {
                memory.close();
            }
        };
    }
}
