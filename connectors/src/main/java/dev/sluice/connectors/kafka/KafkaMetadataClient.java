package dev.sluice.connectors.kafka;

import dev.sluice.execution.source.SourceException;
import dev.sluice.execution.source.SourcePartition;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Topic partitions and offsets of one table's cluster, looked up with an {@link Admin} client, every call
 * bounded by the API timeout. Failures become {@link SourceException}s naming the table, the topic and
 * the bootstrap servers. Thread-safe.
 */
final class KafkaMetadataClient implements AutoCloseable {
    private final String table;
    private final KafkaClientProperties clientProperties;
    private final Admin admin;

    KafkaMetadataClient(String table, KafkaClientProperties clientProperties) {
        this.table = table;
        this.clientProperties = clientProperties;
        try {
            this.admin = Admin.create(clientProperties.admin());
        } catch (KafkaException e) {
            throw new SourceException("Can't connect table '" + table + "' to Kafka at '"
                    + clientProperties.bootstrapServers() + "': " + e.getMessage(), e);
        }
    }

    /** The names of the topics that exist now, sorted. */
    List<String> topicNames() {
        return await(admin.listTopics(new ListTopicsOptions().timeoutMs(timeoutMs())).names(), "list topics", "*")
                .stream().sorted().toList();
    }

    /**
     * Partition numbers of a topic, sorted, fresh from the cluster (partitions may be added).
     *
     * @throws SourceException if the topic does not exist or the cluster can't be reached
     */
    List<Integer> partitions(String topic) {
        TopicDescription description = await(admin.describeTopics(List.of(topic),
                        new DescribeTopicsOptions().timeoutMs(timeoutMs())).topicNameValues().get(topic),
                "describe topic '" + topic + "'", topic);
        return description.partitions().stream().map(TopicPartitionInfo::partition).sorted().toList();
    }

    /**
     * The id of each topic (Kafka's topic UUID, new each time a topic of that name is created), in one
     * request. A topic that does not exist fails the call, or, with {@code skipMissing}, is left out.
     *
     * @throws SourceException if a topic does not exist (and not {@code skipMissing}) or the cluster can't
     *     be reached
     */
    Map<String, String> topicIds(List<String> topics, boolean skipMissing) {
        Map<String, KafkaFuture<TopicDescription>> futures = admin.describeTopics(topics,
                new DescribeTopicsOptions().timeoutMs(timeoutMs())).topicNameValues();
        Map<String, String> ids = new TreeMap<>();
        for (String topic : topics) {
            try {
                ids.put(topic, await(futures.get(topic), "describe topic '" + topic + "'", topic).topicId().toString());
            } catch (SourceException e) {
                if (!(skipMissing && e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
            }
        }
        return ids;
    }

    /**
     * Offsets of the given partitions, as {@code spec} says per partition (earliest, latest, for a
     * timestamp, which is -1 where no record is that recent), sorted by partition.
     */
    Map<SourcePartition, Long> offsets(String topic, List<Integer> partitions, IntFunction<OffsetSpec> spec) {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (int p : partitions) {
            request.put(new TopicPartition(topic, p), spec.apply(p));
        }
        ListOffsetsOptions listOptions = new ListOffsetsOptions(clientProperties.readCommitted()
                ? IsolationLevel.READ_COMMITTED : IsolationLevel.READ_UNCOMMITTED);
        listOptions.timeoutMs(timeoutMs());
        Map<TopicPartition, ListOffsetsResultInfo> result = await(admin.listOffsets(request, listOptions).all(),
                "list the offsets of topic '" + topic + "'", topic);
        Map<SourcePartition, Long> offsets = new TreeMap<>();
        result.forEach((tp, info) -> offsets.put(new SourcePartition(tp.topic(), tp.partition()), info.offset()));
        return offsets;
    }

    /**
     * Starts committing {@code offsets} to the consumer group {@code groupId} without joining it (Kafka
     * accepts this while the group has no active member); the future completes once Kafka has them, or with
     * the failure, within the API timeout. Never blocks.
     */
    KafkaFuture<Void> commitGroupOffsets(String groupId, Map<TopicPartition, OffsetAndMetadata> offsets) {
        return admin.alterConsumerGroupOffsets(groupId, offsets,
                new AlterConsumerGroupOffsetsOptions().timeoutMs(timeoutMs())).all();
    }

    private int timeoutMs() {
        return clientProperties.apiTimeoutMs();
    }

    /** The future's value, with Kafka's failures turned into errors naming the table, topic and servers. */
    private <T> T await(KafkaFuture<T> future, String action, String topic) {
        try {
            // The admin call times out by itself; the margin only guards against a lost completion.
            return future.get(timeoutMs() + 5_000L, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof UnknownTopicOrPartitionException) {
                throw new SourceException("Topic '" + topic + "' of table '" + table + "' does not exist (Kafka at '"
                        + clientProperties.bootstrapServers() + "')", cause);
            }
            if (cause instanceof TimeoutException) {
                throw unreachable(action, cause);
            }
            throw new SourceException("Failed to " + action + " for table '" + table + "' (Kafka at '"
                    + clientProperties.bootstrapServers() + "'): " + cause.getMessage(), cause);
        } catch (java.util.concurrent.TimeoutException e) {
            throw unreachable(action, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SourceException("Interrupted while trying to " + action + " for table '" + table + "'", e);
        }
    }

    /** An error naming what can't be reached, whose cause is a Kafka {@link TimeoutException} ({@link KafkaOutage}). */
    private SourceException unreachable(String action, Throwable cause) {
        Throwable timeout = cause instanceof TimeoutException ? cause : new TimeoutException(cause.getMessage(), cause);
        return new SourceException("Can't reach Kafka at '" + clientProperties.bootstrapServers() + "' for table '"
                + table + "' within " + timeoutMs() + " ms (trying to " + action + "): " + cause.getMessage(), timeout);
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
