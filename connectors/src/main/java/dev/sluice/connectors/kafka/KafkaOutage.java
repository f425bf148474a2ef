package dev.sluice.connectors.kafka;

import dev.sluice.execution.source.MalformedRecordException;
import org.apache.kafka.common.errors.BrokerNotAvailableException;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.InconsistentTopicIdException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.UnknownTopicIdException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Tells a failure caused by Kafka being unreachable for now (a broker down, restarting or partitioned away:
 * timeouts, lost connections, leaders moving), which a query waits out and retries, from every other
 * failure, which stops it.
 *
 * <p>An outage is a Kafka {@link RetriableException} (its {@link org.apache.kafka.common.errors.TimeoutException},
 * {@link org.apache.kafka.common.errors.DisconnectException}, {@link org.apache.kafka.common.errors.NetworkException},
 * {@link org.apache.kafka.common.errors.NotLeaderOrFollowerException}...) or a
 * {@link BrokerNotAvailableException} anywhere in the cause chain, unless the chain also holds a failure
 * that retrying can't fix although Kafka files some of them as retriable: a missing topic or partition,
 * a topic id that changed, a corrupt or malformed record, offsets out of range.
 */
final class KafkaOutage {
    private static final int MAX_DEPTH = 32;

    private KafkaOutage() {
    }

    /** Whether {@code failure} was caused by Kafka being unreachable for now. */
    static boolean causes(Throwable failure) {
        boolean retriable = false;
        Throwable t = failure;
        for (int depth = 0; t != null && depth < MAX_DEPTH; depth++, t = t.getCause()) {
            if (t instanceof UnknownTopicOrPartitionException || t instanceof UnknownTopicIdException
                    || t instanceof InconsistentTopicIdException || t instanceof CorruptRecordException
                    || t instanceof MalformedRecordException
                    || t instanceof org.apache.kafka.clients.consumer.OffsetOutOfRangeException
                    || t instanceof org.apache.kafka.common.errors.OffsetOutOfRangeException) {
                return false;
            }
            retriable |= t instanceof RetriableException || t instanceof BrokerNotAvailableException;
        }
        return retriable;
    }
}
