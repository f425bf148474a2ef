package dev.sluice.execution.source;

import static java.util.Objects.requireNonNull;

/**
 * One partition of a source (for Kafka: a topic partition). One partition is read by one task per
 * micro-batch, into its own Arrow batches.
 */
public record SourcePartition(String topic, int partition) implements Comparable<SourcePartition> {
    public SourcePartition {
        requireNonNull(topic, "topic is null");
    }

    @Override
    public int compareTo(SourcePartition o) {
        int c = topic.compareTo(o.topic);
        return c != 0 ? c : Integer.compare(partition, o.partition);
    }

    /** {@code topic-partition}, as Kafka prints it. */
    @Override
    public String toString() {
        return topic + "-" + partition;
    }
}
