package dev.sluice.connectors.kafka;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.source.OffsetRange;
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
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.IntFunction;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One or several Kafka topics (a list, or every topic matching a pattern) read as offset ranges per
 * partition (the "direct" model): offsets are looked up with an admin client owned by the source, and
 * a task's ranges (one partition's, or a group of partitions' when there are many) are read by a
 * {@link KafkaPartitionReader} with one {@link PartitionFetcher} (Sluice's own reader of Kafka's fetch responses),
 * from a pool of at most {@link #FETCHER_POOL_CAPACITY} that keeps their connections across micro-batches. Topics and
 * partitions are looked up again on every call, so partitions added and (with a pattern) topics created while a
 * query runs join at its next batch.
 *
 * <p>Schema: the table's declared columns, decoded from JSON record values, then the metadata columns
 * partition, offset, timestamp and key ({@link KafkaMetadataColumn}).
 *
 * <p>After each batch a continuous query commits, the source commits the batch's end offsets to the query's
 * consumer group ({@link GroupOffsetCommitter}) for Kafka's tools to show the query's lag; the group is
 * never joined nor read back.
 *
 * <p>Thread-safety: offset lookups are synchronized; readers may be opened from several threads. Closing
 * the source closes the admin client, the pooled fetchers and the dead-letter producer.
 */
public final class KafkaSource implements StreamSource {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaSource.class);
    /**
     * Fetchers a source keeps (idle or reading), whatever the number of partitions: one per task thread reading
     * at once, and some to spare ({@link PartitionFetcherPool}).
     */
    static final int FETCHER_POOL_CAPACITY = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());

    private final KafkaTableOptions options;
    private final RowSchema declared;
    private final RowSchema schema;
    private final KafkaClientProperties clientProperties;
    private final KafkaMetadataClient metadata;
    private final PartitionFetcherPool fetcherPool;
    /** The query's id, naming the dead-letter writer's transactions. */
    private final String queryId;
    /** Commits each committed batch's end offsets to the query's consumer group; empty if turned off. */
    private final Optional<GroupOffsetCommitter> groupCommitter;
    private DeadLetterWriter deadLetterWriter;
    private boolean closed;

    private KafkaSource(KafkaTableOptions options, RowSchema declared, KafkaClientProperties clientProperties,
            KafkaMetadataClient metadata, String queryId, Optional<String> commitGroup) {
        this.options = options;
        this.queryId = queryId;
        this.declared = declared;
        List<Column> columns = new ArrayList<>(declared.columns());
        columns.addAll(KafkaMetadataColumn.schema().columns());
        this.schema = new RowSchema(columns);
        this.clientProperties = clientProperties;
        this.metadata = metadata;
        this.groupCommitter = commitGroup.map(group -> new GroupOffsetCommitter(options.table(), group, metadata,
                clientProperties.bootstrapServers()));
        this.fetcherPool = new PartitionFetcherPool(FETCHER_POOL_CAPACITY,
                () -> new PartitionFetcher(clientProperties.consumer(), clientProperties.readCommitted()));
    }

    /**
     * Opens a source and checks that its topic (and dead-letter topic, if any) exists.
     *
     * @param queryId the query's id, naming the exactly-once dead-letter writer's transactions
     * @param commitGroup the consumer group that continuous queries commit each batch's end offsets to
     *     ({@link #onBatchCommitted}), or empty to commit none
     * @throws SourceException if a topic does not exist or Kafka can't be reached within the API timeout
     *         (10 s unless {@code properties.default.api.timeout.ms} says otherwise)
     */
    static KafkaSource open(KafkaTableOptions options, RowSchema declared, String bootstrapServers, String queryId,
            Optional<String> commitGroup) {
        requireNonNull(options, "options is null");
        requireNonNull(declared, "declared is null");
        requireNonNull(queryId, "queryId is null");
        requireNonNull(commitGroup, "commitGroup is null");
        KafkaClientProperties clientProperties = new KafkaClientProperties(bootstrapServers, options.table(),
                options.clientProperties());
        KafkaSource source = new KafkaSource(options, declared, clientProperties,
                new KafkaMetadataClient(options.table(), clientProperties), queryId, commitGroup);
        try {
            Map<String, List<Integer>> partitions = source.partitions();
            if (options.topicPattern().isPresent() && partitions.isEmpty()) {
                LOG.warn("No topic matches '{}' for table '{}' yet; queries wait for one", options.topicPattern().get(),
                        options.table());
            }
            options.deadLetterTopic().ifPresent(source.metadata::partitions);
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
        Map<String, List<Integer>> partitions = partitions();
        return Collections.unmodifiableMap(switch (options.startupMode()) {
            case EARLIEST -> listOffsets(partitions, p -> OffsetSpec.earliest());
            case LATEST -> listOffsets(partitions, p -> OffsetSpec.latest());
            case TIMESTAMP -> timestampOffsets(partitions);
            case SPECIFIC_OFFSETS -> specificOffsets(partitions.getOrDefault(options.topic(), List.of()));
        });
    }

    @Override
    public synchronized Map<SourcePartition, Long> latestOffsets() {
        return Collections.unmodifiableMap(listOffsets(partitions(), p -> OffsetSpec.latest()));
    }

    @Override
    public synchronized Map<SourcePartition, Long> earliestOffsets() {
        return Collections.unmodifiableMap(listOffsets(partitions(), p -> OffsetSpec.earliest()));
    }

    /**
     * Kafka's topic id (a UUID, new each time a topic of that name is created) of every topic the table
     * reads now; a topic matching the pattern that is deleted meanwhile drops out.
     *
     * @throws SourceException if a listed topic does not exist or Kafka can't be reached
     */
    @Override
    public synchronized Map<String, String> topicIds() {
        if (options.topicPattern().isPresent()) {
            List<String> matching = metadata.topicNames().stream()
                    .filter(t -> options.topicPattern().get().matcher(t).matches()).toList();
            return metadata.topicIds(matching, true);
        }
        return metadata.topicIds(options.topics(), false);
    }

    /**
     * {@code Kafka at '<bootstrap servers>'} if {@code failure} was caused by Kafka being unreachable for now
     * (timeouts, lost connections: {@link KafkaOutage}), so that the query waits and retries.
     */
    @Override
    public Optional<String> unreachable(Throwable failure) {
        return KafkaOutage.causes(failure) ? Optional.of("Kafka at '" + bootstrapServers() + "'") : Optional.empty();
    }

    private Map<SourcePartition, Long> timestampOffsets(Map<String, List<Integer>> partitions) {
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
        Map<String, List<Integer>> topicPartitions = Map.of(options.topic(), partitions);
        Map<SourcePartition, Long> latest = listOffsets(topicPartitions, p -> OffsetSpec.latest());
        Map<SourcePartition, Long> offsets = listOffsets(topicPartitions, p -> OffsetSpec.earliest());
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

    /**
     * The partitions of every topic the table reads now: the listed topics (each must exist), or the topics
     * matching the pattern (a topic deleted meanwhile simply drops out).
     */
    private Map<String, List<Integer>> partitions() {
        Map<String, List<Integer>> partitions = new TreeMap<>();
        if (options.topicPattern().isPresent()) {
            for (String topic : metadata.topicNames()) {
                if (options.topicPattern().get().matcher(topic).matches()) {
                    try {
                        partitions.put(topic, metadata.partitions(topic));
                    } catch (SourceException e) {
                        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                            throw e;
                        }
                        LOG.warn("Topic '{}' of table '{}' disappeared while listing it", topic, name());
                    }
                }
            }
        } else {
            for (String topic : options.topics()) {
                partitions.put(topic, metadata.partitions(topic));
            }
        }
        return partitions;
    }

    private Map<SourcePartition, Long> listOffsets(Map<String, List<Integer>> partitions, IntFunction<OffsetSpec> spec) {
        Map<SourcePartition, Long> offsets = new TreeMap<>();
        partitions.forEach((topic, list) -> offsets.putAll(metadata.offsets(topic, list, spec)));
        return offsets;
    }

    /** Whether the table reads {@code topic}. */
    private boolean reads(String topic) {
        return options.topicPattern().map(p -> p.matcher(topic).matches()).orElse(options.topics().contains(topic));
    }

    /**
     * Opens a reader of offset ranges of this source's topics (one, or a group read with one fetcher); the caller
     * closes it. Its batches are allocated from {@code allocator} and owned by the caller.
     *
     * @throws IllegalArgumentException if the range is of another topic or a column is unknown
     */
    @Override
    public PartitionReader openReader(ScanSpec spec, BufferAllocator allocator) {
        requireNonNull(spec, "spec is null");
        requireNonNull(allocator, "allocator is null");
        for (OffsetRange range : spec.ranges()) {
            if (!reads(range.partition().topic())) {
                throw new IllegalArgumentException("Table '" + name() + "' does not read " + range.partition());
            }
        }
        KafkaProjection projection = KafkaProjection.of(name(), declared, spec.columns());
        return new KafkaPartitionReader(this, spec, projection, allocator);
    }

    /**
     * Commits the batch's end offsets to the query's consumer group (unless {@code 'scan.commit-offsets'} is
     * {@code 'false'}), without waiting; a failure is logged, never thrown.
     */
    @Override
    public void onBatchCommitted(long batchId, Map<SourcePartition, Long> endOffsets) {
        groupCommitter.ifPresent(c -> c.commit(batchId, endOffsets));
    }

    /** The consumer group the source commits offsets to, if it does. */
    Optional<String> commitGroup() {
        return groupCommitter.map(GroupOffsetCommitter::groupId);
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

    PartitionFetcherPool fetcherPool() {
        return fetcherPool;
    }

    /** The offsets the partition has now, {@code [earliest, end)}: to say what is there when an offset is not. */
    synchronized long[] availableOffsets(TopicPartition partition) {
        Map<String, List<Integer>> one = Map.of(partition.topic(), List.of(partition.partition()));
        SourcePartition p = new SourcePartition(partition.topic(), partition.partition());
        return new long[] {listOffsets(one, x -> OffsetSpec.earliest()).get(p),
                listOffsets(one, x -> OffsetSpec.latest()).get(p)};
    }

    /** The producer of dead letters, created on first use. */
    synchronized DeadLetterWriter deadLetterWriter() {
        if (closed) {
            throw new IllegalStateException("Source of table '" + name() + "' is closed");
        }
        if (deadLetterWriter == null) {
            boolean exactlyOnce = options.deadLetterDeliveryGuarantee() == DeliveryGuarantee.EXACTLY_ONCE;
            deadLetterWriter = new DeadLetterWriter(clientProperties, options.deadLetterTopic().orElseThrow(),
                    exactlyOnce ? options.transactionalIdPrefix() + "-" + queryId + "-dlq-" + options.table() : null);
        }
        return deadLetterWriter;
    }

    /** How many fetchers the source has created (they are reused across offset ranges). */
    int fetchersCreated() {
        return fetcherPool.created();
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
        groupCommitter.ifPresent(GroupOffsetCommitter::close);
        fetcherPool.close();
        if (writer != null) {
            writer.close();
        }
        metadata.close();
    }
}
