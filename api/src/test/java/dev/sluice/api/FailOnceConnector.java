package dev.sluice.api;

import dev.sluice.connectors.file.FileSystemConnector;
import dev.sluice.connectors.kafka.KafkaConnector;
import dev.sluice.execution.connector.Connector;
import dev.sluice.execution.connector.ConnectorContext;
import dev.sluice.execution.connector.TableDescriptor;
import dev.sluice.execution.sink.StreamSink;
import dev.sluice.execution.type.RowSchema;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Test connector 'fail-once-file': a filesystem sink that crashes the query once, at batch
 * {@code fail.batch}, either before handing the batch to the file sink or after the file sink took it
 * (i.e. just before the commit marker would be written). Used to prove exactly-once recovery.
 * {@link Kafka 'fail-once-kafka'} does the same around a Kafka sink.
 */
public class FailOnceConnector extends WrappingConnector {
    static final Set<String> FAILED = ConcurrentHashMap.newKeySet();

    public FailOnceConnector() {
        this("fail-once-file", new FileSystemConnector());
    }

    FailOnceConnector(String identifier, Connector delegate) {
        super(identifier, delegate, List.of("fail.batch", "fail.when"));
    }

    /** 'fail-once-kafka': the same around the Kafka connector's sink. */
    public static final class Kafka extends FailOnceConnector {
        public Kafka() {
            super("fail-once-kafka", new KafkaConnector());
        }
    }

    /** 'fail-once-memory': the same around a memory table's sink, which takes updating results too. */
    public static final class Memory extends FailOnceConnector {
        public Memory() {
            super("fail-once-memory", new dev.sluice.connectors.memory.MemoryConnector());
        }
    }

    @Override
    public StreamSink createSink(TableDescriptor table, ConnectorContext context) {
        StreamSink files = delegate.createSink(delegateTable(table), context);
        long failBatch = Long.parseLong(table.options().get("fail.batch"));
        boolean afterSink = "after-sink".equals(table.options().get("fail.when"));
        String key = table.options().getOrDefault("path", table.options().getOrDefault("topic", table.name()));
        return new StreamSink() {
            @Override
            public void addBatch(long batchId, RowSchema schema, List<VectorSchemaRoot> batches) throws Exception {
                boolean crash = crashBefore(batchId);
                files.addBatch(batchId, schema, batches);
                crashAfter(crash, batchId);
            }

            @Override
            public boolean takesChanges() {
                return files.takesChanges();
            }

            @Override
            public java.util.Optional<String> howToTakeChanges() {
                return files.howToTakeChanges();
            }

            @Override
            public String toString() {
                return files.toString();
            }

            @Override
            public void addChanges(long batchId, RowSchema schema, List<dev.sluice.execution.changelog.ChangeBatch> changes)
                    throws Exception {
                boolean crash = crashBefore(batchId);
                files.addChanges(batchId, schema, changes);
                crashAfter(crash, batchId);
            }

            private boolean crashBefore(long batchId) {
                boolean crash = batchId == failBatch && FAILED.add(key);
                if (crash && !afterSink) {
                    throw new IllegalStateException("injected crash before the sink took batch " + batchId);
                }
                return crash;
            }

            private void crashAfter(boolean crash, long batchId) {
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
}
