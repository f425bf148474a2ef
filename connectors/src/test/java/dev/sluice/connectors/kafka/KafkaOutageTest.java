package dev.sluice.connectors.kafka;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.execution.source.MalformedRecordException;
import dev.sluice.execution.source.SourceException;
import dev.sluice.execution.source.SourcePartition;
import java.io.IOException;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.DisconnectException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.Test;

/** Which failures a query waits out (Kafka unreachable for now) and which stop it. */
class KafkaOutageTest {
    private static SourceException wrapped(Throwable cause) {
        return new SourceException("Failed for table 't'", cause);
    }

    @Test
    void timeoutsAndLostConnectionsAreOutages() {
        assertTrue(KafkaOutage.causes(new TimeoutException("Timed out waiting for a node assignment")));
        assertTrue(KafkaOutage.causes(wrapped(new TimeoutException("x"))));
        assertTrue(KafkaOutage.causes(new IOException("batch 3", wrapped(new DisconnectException("gone")))));
        assertTrue(KafkaOutage.causes(wrapped(new NotLeaderOrFollowerException("moving"))));
    }

    @Test
    void badDataMissingTopicsAndLostOffsetsAreNot() {
        assertFalse(KafkaOutage.causes(wrapped(new UnknownTopicOrPartitionException("no such topic"))));
        assertFalse(KafkaOutage.causes(wrapped(new CorruptRecordException("crc"))));
        assertFalse(KafkaOutage.causes(new MalformedRecordException("t", new SourcePartition("x", 0), 3, "bad json")));
        assertFalse(KafkaOutage.causes(wrapped(new OffsetOutOfRangeException(
                java.util.Map.of(new TopicPartition("x", 0), 10L)))));
        assertFalse(KafkaOutage.causes(wrapped(new TopicAuthorizationException("denied"))));
        assertFalse(KafkaOutage.causes(wrapped(new SerializationException("bad"))));
        assertFalse(KafkaOutage.causes(new IllegalStateException("bug")));
        // A retriable cause below a fatal one is still fatal.
        assertFalse(KafkaOutage.causes(wrapped(new UnknownTopicOrPartitionException("gone",
                new TimeoutException("meanwhile")))));
    }
}
