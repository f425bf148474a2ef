package dev.sluice.connectors.kafka;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.source.SourcePartition;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a continuous query's progress over one Kafka table to a consumer group, so that Kafka's own
 * tools ({@code kafka-consumer-groups --describe}, Burrow, lag exporters) show the query's lag: after each
 * committed batch, the batch's end offsets are committed to the group with the admin client, as
 * {@code kafka-consumer-groups --reset-offsets} does. The group is never joined (Sluice assigns partitions
 * itself), and nothing reads the offsets back: the checkpoint says where a query resumes.
 *
 * <p>The group is a view for operators, so it never holds the query up: commits are sent without waiting,
 * one at a time (a batch committed while the previous commit is still under way has its offsets sent with
 * the next batch, or at close: the newest offsets win). A failed commit is logged (WARN, at most once a
 * minute while failures go on) and the next batch commits again. Closing waits a few seconds at most for
 * the last offsets to be committed.
 *
 * <p>Thread-safety: {@link #commit} and {@link #close} are called by the query's driver thread;
 * completions arrive on the admin client's thread and only touch atomics.
 */
final class GroupOffsetCommitter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GroupOffsetCommitter.class);
    /** Longest wait at close for the last offsets to be committed. */
    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
    /** While commits keep failing, a WARN at most this often (others at DEBUG). */
    private static final long WARN_INTERVAL_MILLIS = 60_000;

    private final String table;
    private final String groupId;
    private final KafkaMetadataClient client;
    private final String bootstrapServers;

    /** The commit under way, or null. */
    private KafkaFuture<Void> inFlight;
    /** The newest offsets not sent yet (a commit was under way when their batch was committed), or null. */
    private Offsets waiting;
    private boolean started;
    private boolean closed;

    private final AtomicInteger failuresInARow = new AtomicInteger();
    private final AtomicLong lastWarnMillis = new AtomicLong(Long.MIN_VALUE / 2);

    GroupOffsetCommitter(String table, String groupId, KafkaMetadataClient client, String bootstrapServers) {
        this.table = requireNonNull(table, "table is null");
        this.groupId = requireNonNull(groupId, "groupId is null");
        this.client = requireNonNull(client, "client is null");
        this.bootstrapServers = requireNonNull(bootstrapServers, "bootstrapServers is null");
    }

    String groupId() {
        return groupId;
    }

    /** Commits the end offsets of a committed batch to the group, without waiting. Never throws. */
    synchronized void commit(long batchId, Map<SourcePartition, Long> endOffsets) {
        if (closed) {
            return;
        }
        if (!started) {
            started = true;
            LOG.info("Committing the offsets of table '{}' to consumer group '{}' after each batch (for Kafka's lag "
                    + "tools; '{}' = 'false' turns it off)", table, groupId, KafkaTableOptions.SCAN_COMMIT_OFFSETS);
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        String metadata = "sluice batch " + batchId;
        endOffsets.forEach((p, offset) -> offsets.put(new TopicPartition(p.topic(), p.partition()),
                new OffsetAndMetadata(offset, Optional.empty(), metadata)));
        waiting = new Offsets(batchId, offsets);
        if (inFlight == null || inFlight.isDone()) {
            send();
        } else {
            LOG.debug("Commit to group '{}' still under way; the offsets of batch {} of table '{}' go with the next",
                    groupId, batchId, table);
        }
    }

    /** Sends the waiting offsets. */
    private void send() {
        Offsets offsets = waiting;
        waiting = null;
        if (offsets == null || offsets.offsets().isEmpty()) {
            return;
        }
        try {
            inFlight = client.commitGroupOffsets(groupId, offsets.offsets());
            inFlight.whenComplete((ignored, failure) -> completed(offsets.batchId(), failure));
        } catch (RuntimeException e) {
            inFlight = null;
            completed(offsets.batchId(), e);
        }
    }

    /** Logs how a commit ended; may run on the admin client's thread. */
    private void completed(long batchId, Throwable failure) {
        if (failure == null) {
            int failed = failuresInARow.getAndSet(0);
            if (failed > 0) {
                LOG.info("Committed the offsets of table '{}' (batch {}) to consumer group '{}' again, after {} failed "
                        + "attempt(s)", table, batchId, groupId, failed);
            } else {
                LOG.debug("Committed the offsets of table '{}' (batch {}) to consumer group '{}'", table, batchId, groupId);
            }
            return;
        }
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        int failures = failuresInARow.incrementAndGet();
        String hint = cause instanceof GroupNotEmptyException || cause instanceof UnknownMemberIdException
                ? " Consumers are active in group '" + groupId + "': give the query a group of its own (SET '"
                        + KafkaTableOptions.QUERY_GROUP_ID + "' = '...' before starting it, or the table's '"
                        + KafkaTableOptions.PROPERTIES_PREFIX + "group.id'), or set '"
                        + KafkaTableOptions.SCAN_COMMIT_OFFSETS + "' = 'false'."
                : "";
        long now = System.currentTimeMillis();
        long last = lastWarnMillis.get();
        if ((failures == 1 || now - last >= WARN_INTERVAL_MILLIS) && lastWarnMillis.compareAndSet(last, now)) {
            LOG.warn("Can't commit the offsets of table '{}' (batch {}) to consumer group '{}' on Kafka at '{}' ({} "
                    + "failure(s) in a row): {}. The query goes on and commits again after its next batch; only "
                    + "the lag Kafka's tools show is behind.{}", table, batchId, groupId, bootstrapServers, failures,
                    cause.toString(), hint);
        } else {
            LOG.debug("Can't commit the offsets of table '{}' (batch {}) to consumer group '{}': {}", table, batchId,
                    groupId, cause.toString());
        }
    }

    /** Commits the newest offsets not yet committed, waiting {@link #CLOSE_TIMEOUT} at most. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long deadline = System.nanoTime() + CLOSE_TIMEOUT.toNanos();
        if (waiting != null) {
            await(deadline);
            send();
        }
        await(deadline);
    }

    /** Waits until the commit under way is done or the deadline passes; the outcome is logged by {@link #completed}. */
    private void await(long deadlineNanos) {
        if (inFlight == null) {
            return;
        }
        try {
            inFlight.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            // logged by completed()
        } catch (TimeoutException e) {
            LOG.warn("The last commit of table '{}' offsets to consumer group '{}' did not finish within {} ms; "
                    + "not waiting longer", table, groupId, CLOSE_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private record Offsets(long batchId, Map<TopicPartition, OffsetAndMetadata> offsets) {
    }
}
