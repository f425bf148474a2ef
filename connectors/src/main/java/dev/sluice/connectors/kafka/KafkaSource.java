package dev.sluice.connectors.kafka;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.source.PartitionReader;
import dev.sluice.execution.source.ScanSpec;
import dev.sluice.execution.source.SourceException;
import dev.sluice.execution.source.SourcePartition;
import dev.sluice.execution.source.StreamSource;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.RowSchema;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * A Kafka topic read as offset ranges per partition (the "direct" model): offsets are looked up with an
 * admin client owned by the source, and each range is read by a {@link KafkaPartitionReader} with a
 * consumer assigned to its partition, pooled per partition across micro-batches.
 *
 * <p>Schema: the table's declared columns, decoded from JSON record values, then the metadata columns
 * partition, offset, timestamp and key ({@link KafkaMetadataColumn}).
 *
 * <p>Thread-safety: offset lookups are synchronized; readers may be opened from several threads. Closing
 * the source closes the admin client, the pooled consumers and the dead-letter producer.
 */
public final class KafkaSource implements StreamSource {
    private final KafkaTableOptions options;
    private final RowSchema declared;
    private final RowSchema schema;
    private final KafkaClientProperties clientProperties;
    private final KafkaMetadataClient metadata;
    private final PartitionConsumerPool consumerPool;
    private DeadLetterWriter deadLetterWriter;
    private boolean closed;

    private KafkaSource(KafkaTableOptions options, RowSchema declared, KafkaClientProperties clientProperties,
            KafkaMetadataClient metadata) {
        this.options = options;
        this.declared = declared;
        List<Column> columns = new ArrayList<>(declared.columns());
        columns.addAll(KafkaMetadataColumn.schema().columns());
        this.schema = new RowSchema(columns);
        this.clientProperties = clientProperties;
        this.metadata = metadata;
        this.consumerPool = new PartitionConsumerPool(partition -> new PartitionConsumer(
                clientProperties.consumer(partition), new TopicPartition(options.topic(), partition)));
    }

    /**
     * Opens a source and checks that its topic (and dead-letter topic, if any) exists.
     *
     * @throws SourceException if a topic does not exist or Kafka can't be reached within the API timeout
     *         (10 s unless {@code properties.default.api.timeout.ms} says otherwise)
     */
    static KafkaSource open(KafkaTableOptions options, RowSchema declared, String bootstrapServers) {
        requireNonNull(options, "options is null");
        requireNonNull(declared, "declared is null");
        KafkaClientProperties clientProperties = new KafkaClientProperties(bootstrapServers, options.table(),
                options.clientProperties());
        KafkaSource source = new KafkaSource(options, declared, clientProperties,
                new KafkaMetadataClient(options.table(), clientProperties));
        try {
            source.partitions(options.topic());
            options.deadLetterTopic().ifPresent(source::partitions);
            return source;
        } catch (RuntimeException e) {
            source.close();
            throw e;
        }
    }

    @Override
    public String name() {
        return options.table();
    }

    public String topic() {
        return options.topic();
    }

    @Override
    public RowSchema schema() {
        return schema;
    }

    /** The declared columns, without metadata columns. */
    public RowSchema declaredSchema() {
        return declared;
    }

    @Override
    public synchronized Map<SourcePartition, Long> initialOffsets() {
        List<Integer> partitions = partitions(options.topic());
        return Collections.unmodifiableMap(switch (options.startupMode()) {
            case EARLIEST -> listOffsets(partitions, p -> OffsetSpec.earliest());
            case LATEST -> listOffsets(partitions, p -> OffsetSpec.latest());
            case TIMESTAMP -> timestampOffsets(partitions);
            case SPECIFIC_OFFSETS -> specificOffsets(partitions);
        });
    }

    @Override
    public synchronized Map<SourcePartition, Long> latestOffsets() {
        return Collections.unmodifiableMap(listOffsets(partitions(options.topic()), p -> OffsetSpec.latest()));
    }

    @Override
    public synchronized Map<SourcePartition, Long> earliestOffsets() {
        return Collections.unmodifiableMap(listOffsets(partitions(options.topic()), p -> OffsetSpec.earliest()));
    }

    private Map<SourcePartition, Long> timestampOffsets(List<Integer> partitions) {
        Map<SourcePartition, Long> offsets = listOffsets(partitions,
                p -> OffsetSpec.forTimestamp(options.startupTimestampMillis()));
        Map<SourcePartition, Long> latest = null;
        for (Map.Entry<SourcePartition, Long> e : offsets.entrySet()) {
            if (e.getValue() < 0) {
                // No record at or after the timestamp yet: start at the end.
                if (latest == null) {
                    latest = listOffsets(partitions, p -> OffsetSpec.latest());
                }
                e.setValue(latest.get(e.getKey()));
            }
        }
        return offsets;
    }

    private Map<SourcePartition, Long> specificOffsets(List<Integer> partitions) {
        Map<Integer, Long> specific = options.specificOffsets();
        for (int p : specific.keySet()) {
            if (!partitions.contains(p)) {
                throw new SourceException("Option '" + KafkaTableOptions.SCAN_STARTUP_SPECIFIC_OFFSETS + "' of table '"
                        + name() + "' names partition " + p + ", but topic '" + options.topic() + "' has partitions "
                        + partitions);
            }
        }
        Map<SourcePartition, Long> latest = listOffsets(partitions, p -> OffsetSpec.latest());
        Map<SourcePartition, Long> offsets = listOffsets(partitions, p -> OffsetSpec.earliest());
        specific.forEach((p, offset) -> {
            SourcePartition partition = new SourcePartition(options.topic(), p);
            long end = latest.get(partition);
            if (offset > end) {
                throw new SourceException("Option '" + KafkaTableOptions.SCAN_STARTUP_SPECIFIC_OFFSETS + "' of table '"
                        + name() + "' starts partition " + p + " at offset " + offset + ", past its end offset " + end);
            }
            offsets.put(partition, offset);
        });
        return offsets;
    }

    private List<Integer> partitions(String topic) {
        return metadata.partitions(topic);
    }

    private Map<SourcePartition, Long> listOffsets(List<Integer> partitions, IntFunction<OffsetSpec> spec) {
        return metadata.offsets(options.topic(), partitions, spec);
    }

    /**
     * Opens a reader of one offset range of this source's topic; the caller closes it. Its batches are
     * allocated from {@code allocator} and owned by the caller.
     *
     * @throws IllegalArgumentException if the range is of another topic or a column is unknown
     */
    @Override
    public PartitionReader openReader(ScanSpec spec, BufferAllocator allocator) {
        requireNonNull(spec, "spec is null");
        requireNonNull(allocator, "allocator is null");
        if (!spec.range().partition().topic().equals(options.topic())) {
            throw new IllegalArgumentException("Table '" + name() + "' reads topic '" + options.topic()
                    + "', not " + spec.range().partition());
        }
        KafkaProjection projection = KafkaProjection.of(name(), declared, spec.columns());
        return new KafkaPartitionReader(this, spec, projection, allocator);
    }

    KafkaTableOptions options() {
        return options;
    }

    String bootstrapServers() {
        return clientProperties.bootstrapServers();
    }

    int apiTimeoutMs() {
        return clientProperties.apiTimeoutMs();
    }

    PartitionConsumerPool consumerPool() {
        return consumerPool;
    }

    /** The producer of dead letters, created on first use. */
    synchronized DeadLetterWriter deadLetterWriter() {
        if (closed) {
            throw new IllegalStateException("Source of table '" + name() + "' is closed");
        }
        if (deadLetterWriter == null) {
            deadLetterWriter = new DeadLetterWriter(clientProperties.producer("dead-letter"),
                    options.deadLetterTopic().orElseThrow());
        }
        return deadLetterWriter;
    }

    /** How many consumers the source has created (they are reused across offset ranges). */
    int consumersCreated() {
        return consumerPool.created();
    }

    @Override
    public void close() {
        DeadLetterWriter writer;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            writer = deadLetterWriter;
        }
        consumerPool.close();
        if (writer != null) {
            writer.close();
        }
        metadata.close();
    }
}
