package dev.sluice.api;

import dev.sluice.connectors.kafka.KafkaConnector;
import dev.sluice.execution.connector.ConnectorContext;
import dev.sluice.execution.connector.TableDescriptor;
import dev.sluice.execution.source.PartitionReader;
import dev.sluice.execution.source.ScanSpec;
import dev.sluice.execution.source.SourceException;
import dev.sluice.execution.source.SourcePartition;
import dev.sluice.execution.source.StreamSource;
import dev.sluice.execution.type.RowSchema;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * Test connector 'flaky-kafka': a Kafka table whose reads fail as if the broker had gone away, on purpose.
 * After {@code fail.after} readers (one per non-empty offset range of a batch), the next {@code fail.reads}
 * read their first batch, free it, and throw a {@link SourceException} caused by Kafka's
 * {@link TimeoutException}, which the Kafka source counts as an outage. Counted per table name;
 * {@link #reset} forgets the counts.
 */
public final class FlakyKafkaConnector extends WrappingConnector {
    private static final Map<String, AtomicLong> READS = new ConcurrentHashMap<>();

    public FlakyKafkaConnector() {
        super("flaky-kafka", new KafkaConnector(), List.of("fail.after", "fail.reads"));
    }

    static void reset() {
        READS.clear();
    }

    @Override
    public StreamSource createSource(TableDescriptor table, ConnectorContext context) {
        StreamSource kafka = delegate.createSource(delegateTable(table), context);
        long after = Long.parseLong(table.options().getOrDefault("fail.after", "0"));
        long failing = Long.parseLong(table.options().getOrDefault("fail.reads", "0"));
        AtomicLong reads = READS.computeIfAbsent(table.name(), t -> new AtomicLong());
        return new StreamSource() {
            @Override
            public String name() {
                return kafka.name();
            }

            @Override
            public RowSchema schema() {
                return kafka.schema();
            }

            @Override
            public Map<SourcePartition, Long> initialOffsets() {
                return kafka.initialOffsets();
            }

            @Override
            public Map<SourcePartition, Long> latestOffsets() {
                return kafka.latestOffsets();
            }

            @Override
            public Map<SourcePartition, Long> earliestOffsets() {
                return kafka.earliestOffsets();
            }

            @Override
            public Map<String, String> topicIds() {
                return kafka.topicIds();
            }

            @Override
            public Optional<String> unreachable(Throwable failure) {
                return kafka.unreachable(failure);
            }

            @Override
            public PartitionReader openReader(ScanSpec spec, BufferAllocator allocator) {
                PartitionReader reader = kafka.openReader(spec, allocator);
                long n = reads.incrementAndGet();
                if (n <= after || n > after + failing) {
                    return reader;
                }
                return new PartitionReader() {
                    @Override
                    public VectorSchemaRoot next() {
                        VectorSchemaRoot first = reader.next();
                        if (first != null) {
                            first.close();
                        }
                        String message = "injected outage reading " + spec.ranges() + " (read " + n + ")";
                        throw new SourceException(message, new TimeoutException(message));
                    }

                    @Override
                    public SourcePartition partition() {
                        return reader.partition();
                    }

                    @Override
                    public long malformedRecords() {
                        return reader.malformedRecords();
                    }

                    @Override
                    public void close() {
                        reader.close();
                    }
                };
            }

            @Override
            public void close() {
                kafka.close();
            }
        };
    }
}
