package dev.sluice.connectors.kafka;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.ApiVersions;
import org.apache.kafka.clients.ClientDnsLookup;
import org.apache.kafka.clients.ClientRequest;
import org.apache.kafka.clients.ClientResponse;
import org.apache.kafka.clients.ClientUtils;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.DefaultHostResolver;
import org.apache.kafka.clients.Metadata;
import org.apache.kafka.clients.MetadataRecoveryStrategy;
import org.apache.kafka.clients.NetworkClient;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.internals.ClusterResourceListeners;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.memory.MemoryPool;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.network.NetworkReceive;
import org.apache.kafka.common.network.Selector;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.requests.FetchMetadata;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.internals.LogContext;

/**
 * Fetches offset ranges of partitions from their leaders with Kafka's network client and its Fetch request,
 * handing each response's records to the reader as {@link PartitionRecords} read in place.
 *
 * <p>Why not Kafka's consumer: it does per-partition work on every poll (fetch positions, fetch sessions,
 * metrics of each partition it reads), makes objects per record, and over a topic of 1,024 partitions took about
 * twice the CPU of 8 partitions for the same records; this fetcher read either at 5-10 M records/s on one thread
 * where Kafka's consumer read 1.3-3.6 M (docs/benchmark.md). It keeps what a reader of explicit ranges needs and
 * nothing else: no group, no committed offsets, no reset policy (an offset out of range fails the read), no
 * fetch session (every request names its partitions and offsets), no per-partition state beyond a range's.
 *
 * <p>Each leader has at most one request in flight, asking for the next records of the ranges it leads, as many
 * as are expected to fill {@code fetch.max.bytes} (the ranges' remaining records at the bytes per record seen so
 * far); the next request goes out as soon as a response arrives, so the broker prepares it while the reader
 * decodes. Partitions that got records go to the back of the next request, so every range progresses (Kafka
 * returns a batch larger than {@code max.partition.fetch.bytes} only for the first partition of a response).
 * Leaders come from the metadata of the ranges' topics, refreshed when a broker says it no longer leads.
 * Security settings ({@code security.protocol}, SASL, SSL) apply as to Kafka's own clients. Not thread-safe.
 */
final class PartitionFetcher implements AutoCloseable {
    /** Partition errors after which the leader is looked up again and the fetch retried. */
    private static final Set<Errors> RETRIABLE = Set.of(Errors.NOT_LEADER_OR_FOLLOWER, Errors.LEADER_NOT_AVAILABLE,
            Errors.FENCED_LEADER_EPOCH, Errors.UNKNOWN_LEADER_EPOCH, Errors.UNKNOWN_TOPIC_OR_PARTITION,
            Errors.UNKNOWN_TOPIC_ID, Errors.INCONSISTENT_TOPIC_ID, Errors.KAFKA_STORAGE_ERROR,
            Errors.REPLICA_NOT_AVAILABLE, Errors.OFFSET_NOT_AVAILABLE);
    /** Bytes per record assumed until a response says. */
    private static final int INITIAL_RECORD_BYTES = 256;
    /** The least asked of a partition: a range's last records may lie in a batch larger than they are. */
    private static final int MIN_PARTITION_BYTES = 16 * 1024;

    private final Time time = Time.SYSTEM;
    private final Metrics metrics = new Metrics();
    private final RangeMetadata metadata;
    private final NetworkClient client;
    private final IsolationLevel isolationLevel;
    private final int maxWaitMs;
    private final int minBytes;
    private final int maxBytes;
    private final int partitionMaxBytes;
    /** The ranges being read, in the order their partitions go into the next request. */
    private final LinkedHashMap<TopicPartition, Range> ranges = new LinkedHashMap<>();
    /** What the request in flight to each leader (node id) asked for. */
    private final Map<Integer, Map<TopicPartition, FetchRequest.PartitionData>> inFlight = new HashMap<>();
    private double bytesPerRecord = INITIAL_RECORD_BYTES;
    /** The most bytes one request has asked for: what a new response buffer is sized to. */
    private long largestRequestBytes;
    private final ResponseBuffers responseBuffers = new ResponseBuffers();
    /** The buffers of the responses the last poll returned: free once the reader asks for more. */
    private final List<byte[]> returnedBuffers = new ArrayList<>();

    /** What a partition's range still needs. */
    private static final class Range {
        /** The next offset to fetch: past what was asked and received. */
        long fetchOffset;
        final long untilOffset;
        /** The offset a request in flight asked for, or -1. */
        long requested = -1;

        Range(long fetchOffset, long untilOffset) {
            this.fetchOffset = fetchOffset;
            this.untilOffset = untilOffset;
        }
    }

    /**
     * @param properties a consumer's settings (bootstrap servers, security, fetch sizes, timeouts)
     * @param readCommitted whether to read only committed transactional records
     */
    PartitionFetcher(Map<String, Object> properties, boolean readCommitted) {
        ConsumerConfig config = new ConsumerConfig(properties);
        LogContext logContext = new LogContext("[Sluice fetcher " + config.getString(ConsumerConfig.CLIENT_ID_CONFIG) + "] ");
        this.isolationLevel = readCommitted ? IsolationLevel.READ_COMMITTED : IsolationLevel.READ_UNCOMMITTED;
        this.maxWaitMs = config.getInt(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG);
        this.minBytes = config.getInt(ConsumerConfig.FETCH_MIN_BYTES_CONFIG);
        this.maxBytes = config.getInt(ConsumerConfig.FETCH_MAX_BYTES_CONFIG);
        this.partitionMaxBytes = config.getInt(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG);
        this.metadata = new RangeMetadata(config.getLong(ConsumerConfig.RETRY_BACKOFF_MS_CONFIG),
                config.getLong(ConsumerConfig.RETRY_BACKOFF_MAX_MS_CONFIG),
                config.getLong(ConsumerConfig.METADATA_MAX_AGE_CONFIG), logContext);
        List<String> bootstrap = config.getList(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
        metadata.bootstrap(ClientUtils.parseAndValidateAddresses(bootstrap,
                ClientDnsLookup.forConfig(config.getString(CommonClientConfigs.CLIENT_DNS_LOOKUP_CONFIG))));
        try {
            // Kafka's own network client, as ClientUtils.createNetworkClient makes it, but receiving into reused
            // buffers (ResponseBuffers).
            Selector selector = new Selector(NetworkReceive.UNLIMITED,
                    config.getLong(ConsumerConfig.CONNECTIONS_MAX_IDLE_MS_CONFIG), metrics, time, "sluice-fetcher",
                    Map.of(), true, false, ClientUtils.createChannelBuilder(config, time, logContext), responseBuffers,
                    logContext);
            this.client = new NetworkClient(null, metadata, selector,
                    config.getString(ConsumerConfig.CLIENT_ID_CONFIG), 1,
                    config.getLong(ConsumerConfig.RECONNECT_BACKOFF_MS_CONFIG),
                    config.getLong(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG),
                    config.getInt(ConsumerConfig.SEND_BUFFER_CONFIG), config.getInt(ConsumerConfig.RECEIVE_BUFFER_CONFIG),
                    config.getInt(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG),
                    config.getLong(ConsumerConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG),
                    config.getLong(ConsumerConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG), time, true,
                    new ApiVersions(), null, logContext, new DefaultHostResolver(), null,
                    config.getLong(CommonClientConfigs.METADATA_RECOVERY_REBOOTSTRAP_TRIGGER_MS_CONFIG),
                    MetadataRecoveryStrategy.forName(config.getString(CommonClientConfigs.METADATA_RECOVERY_STRATEGY_CONFIG)),
                    ClientUtils.bootstrapConfiguration(config, bootstrap), false);
        } catch (RuntimeException e) {
            metrics.close();
            metadata.close();
            throw e;
        }
    }

    /** Reads {@code [fromOffset, untilOffset)} of the partition next, instead of what it read before. */
    void read(TopicPartition partition, long fromOffset, long untilOffset) {
        ranges.remove(partition);
        if (fromOffset < untilOffset) {
            ranges.put(partition, new Range(fromOffset, untilOffset));
            if (metadata.add(partition.topic())) {
                metadata.requestUpdateForNewTopics();
            }
        }
    }

    /** Fetches nothing more of the partition; what is in flight of it is dropped. */
    void stop(TopicPartition partition) {
        ranges.remove(partition);
    }

    /** Stops every range (a fetcher is reused by the reader of other ranges). */
    void stopAll() {
        ranges.clear();
    }

    /**
     * Sends the requests that can go, then waits at most {@code timeoutMs} for responses: the records of those
     * that arrived, in the order of their partitions' offsets (empty if none arrived in time).
     *
     * @throws OffsetOutOfRangeFailure if an offset to fetch is no longer (or not yet) in its partition
     * @throws KafkaException if Kafka refuses the fetch (authorization, authentication, a broken record batch)
     */
    List<PartitionRecords> poll(long timeoutMs) {
        // The reader is done with what the last poll returned: its buffers take the next responses.
        returnedBuffers.forEach(responseBuffers::reuse);
        returnedBuffers.clear();
        metadata.maybeThrowAnyException();
        long now = time.milliseconds();
        sendRequests(now);
        List<ClientResponse> responses = client.poll(timeoutMs, now);
        List<PartitionRecords> records = new ArrayList<>();
        for (ClientResponse response : responses) {
            if (response.requestHeader().apiKey() != ApiKeys.FETCH) {
                continue;
            }
            Map<TopicPartition, FetchRequest.PartitionData> asked = inFlight.remove(Integer.parseInt(response.destination()));
            if (asked != null) {
                handle(response, asked, records);
            }
        }
        if (!responses.isEmpty()) {
            sendRequests(time.milliseconds());  // the broker prepares the next while the reader decodes these
        }
        return records;
    }

    private void sendRequests(long now) {
        Cluster cluster = metadata.fetch();
        Map<Node, LinkedHashMap<TopicPartition, FetchRequest.PartitionData>> byLeader = new LinkedHashMap<>();
        Map<Node, Long> bytesByLeader = new HashMap<>();
        for (Map.Entry<TopicPartition, Range> e : ranges.entrySet()) {
            Range range = e.getValue();
            if (range.requested >= 0 || range.fetchOffset >= range.untilOffset) {
                continue;
            }
            TopicPartition partition = e.getKey();
            Node leader = cluster.leaderFor(partition);
            if (leader == null) {
                metadata.requestUpdate(false);
                continue;
            }
            if (inFlight.containsKey(leader.id())) {
                continue;
            }
            long asked = bytesByLeader.getOrDefault(leader, 0L);
            if (asked >= maxBytes) {
                continue;
            }
            int bytes = (int) Math.max(MIN_PARTITION_BYTES, Math.min(partitionMaxBytes,
                    (range.untilOffset - range.fetchOffset) * bytesPerRecord * 1.1));
            bytesByLeader.put(leader, asked + bytes);
            Uuid topicId = metadata.topicIds().getOrDefault(partition.topic(), Uuid.ZERO_UUID);
            byLeader.computeIfAbsent(leader, n -> new LinkedHashMap<>()).put(partition,
                    new FetchRequest.PartitionData(topicId, range.fetchOffset, FetchRequest.INVALID_LOG_START_OFFSET,
                            bytes, Optional.empty()));
        }
        for (Map.Entry<Node, LinkedHashMap<TopicPartition, FetchRequest.PartitionData>> e : byLeader.entrySet()) {
            Node leader = e.getKey();
            if (!client.ready(leader, now)) {
                AuthenticationException failure = client.authenticationException(leader);
                if (failure != null) {
                    throw failure;
                }
                continue;  // connecting; the next poll sends it
            }
            FetchRequest.Builder request = FetchRequest.Builder
                    .forConsumer(ApiKeys.FETCH.latestVersion(), maxWaitMs, minBytes, e.getValue())
                    .isolationLevel(isolationLevel)
                    .setMaxBytes(maxBytes)
                    .metadata(FetchMetadata.LEGACY);
            ClientRequest clientRequest = client.newClientRequest(Integer.toString(leader.id()), request, now, true);
            client.send(clientRequest, now);
            inFlight.put(leader.id(), e.getValue());
            largestRequestBytes = Math.max(largestRequestBytes, Math.min(maxBytes, bytesByLeader.get(leader)));
            e.getValue().forEach((partition, data) -> ranges.get(partition).requested = data.fetchOffset);
        }
    }

    private void handle(ClientResponse response, Map<TopicPartition, FetchRequest.PartitionData> asked,
            List<PartitionRecords> records) {
        // Whatever happens, the partitions asked for are no longer in flight.
        for (Map.Entry<TopicPartition, FetchRequest.PartitionData> e : asked.entrySet()) {
            Range range = ranges.get(e.getKey());
            if (range != null && range.requested == e.getValue().fetchOffset) {
                range.requested = -1;
            }
        }
        if (response.wasDisconnected() || response.wasTimedOut()) {
            metadata.requestUpdate(false);  // the broker may be gone, or no longer lead
            return;
        }
        if (response.versionMismatch() != null) {
            throw response.versionMismatch();
        }
        FetchResponse fetchResponse = (FetchResponse) response.responseBody();
        if (fetchResponse.error() != Errors.NONE) {
            throw fetchResponse.error().exception("Fetch from broker " + response.destination() + " failed");
        }
        Map<TopicPartition, FetchResponseData.PartitionData> data = fetchResponse.responseData(metadata.topicNames(),
                response.requestHeader().apiVersion());
        List<TopicPartition> gotRecords = new ArrayList<>();
        long bytes = 0;
        long offsets = 0;
        for (Map.Entry<TopicPartition, FetchResponseData.PartitionData> e : data.entrySet()) {
            TopicPartition partition = e.getKey();
            FetchResponseData.PartitionData partitionData = e.getValue();
            FetchRequest.PartitionData request = asked.get(partition);
            Range range = ranges.get(partition);
            if (request == null || range == null || range.fetchOffset != request.fetchOffset) {
                continue;  // stopped, or moved to another range since
            }
            Errors error = Errors.forCode(partitionData.errorCode());
            if (error == Errors.OFFSET_OUT_OF_RANGE) {
                throw new OffsetOutOfRangeFailure(partition, request.fetchOffset);
            }
            if (RETRIABLE.contains(error)) {
                metadata.requestUpdate(false);
                continue;
            }
            if (error != Errors.NONE) {
                throw error.exception("Fetching " + partition + " at offset " + request.fetchOffset + " failed");
            }
            MemoryRecords partitionRecords = (MemoryRecords) FetchResponse.recordsOrFail(partitionData);
            if (partitionRecords.buffer().hasArray() && (returnedBuffers.isEmpty()
                    || returnedBuffers.get(returnedBuffers.size() - 1) != partitionRecords.buffer().array())) {
                returnedBuffers.add(partitionRecords.buffer().array());
            }
            long next = PartitionRecords.nextOffsetAfter(partitionRecords, request.fetchOffset);
            if (next > request.fetchOffset) {
                bytes += partitionRecords.sizeInBytes();
                offsets += next - request.fetchOffset;
                range.fetchOffset = next;
                gotRecords.add(partition);
                records.add(new PartitionRecords(partition, partitionRecords, request.fetchOffset,
                        partitionData.abortedTransactions(), isolationLevel == IsolationLevel.READ_COMMITTED));
            }
        }
        if (offsets > 0) {
            bytesPerRecord = 0.5 * bytesPerRecord + 0.5 * ((double) bytes / offsets);
        }
        for (TopicPartition partition : gotRecords) {
            Range range = ranges.remove(partition);
            ranges.put(partition, range);  // to the back: the others go first next time
        }
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (Exception e) {
            // closing: nothing to do
        } finally {
            metadata.close();
            metrics.close();
        }
    }

    /**
     * The buffers fetch responses are received into: a response's records are read where they lie, so its buffer
     * is reused once the reader has read them ({@link #reuse}, at the next poll), instead of a new one of up to
     * {@code fetch.max.bytes} per response: those were nearly all of the heap a query allocated (a pass-through
     * allocated 550 MB of them for 5 M records), and the young collections they caused touched ever more of the
     * committed heap. Kafka's client never gives a buffer back ({@link #release} is a no-op); small responses
     * (metadata, errors) get buffers of their own. A new buffer fits the largest request sent so far rather than
     * {@code fetch.max.bytes}: a fetcher reading one partition asks about 1 MB, and buffers of 4 MB were most of
     * the heap's growth in a long pass-through run (in G1's humongous regions, 16 of them against 6 at its start).
     */
    private final class ResponseBuffers implements MemoryPool {
        /** Smaller responses are not worth keeping a buffer for. */
        private static final int POOLED_SIZE = 64 * 1024;
        /** Buffers kept: one per response a fetcher holds at once (one decoded, one in flight, per broker). */
        private static final int KEPT = 4;
        private final ArrayDeque<byte[]> free = new ArrayDeque<>();

        @Override
        public ByteBuffer tryAllocate(int size) {
            if (size < POOLED_SIZE) {
                return ByteBuffer.allocate(size);
            }
            byte[] array = null;
            for (Iterator<byte[]> it = free.iterator(); it.hasNext(); ) {
                byte[] candidate = it.next();
                if (candidate.length >= size) {
                    it.remove();
                    array = candidate;
                    break;
                }
            }
            if (array == null) {
                array = new byte[(int) Math.max(size, largestRequestBytes + POOLED_SIZE)];
            }
            return ByteBuffer.wrap(array, 0, size).slice();
        }

        /** A buffer of a response whose records were all read; one smaller than the requests now is dropped. */
        void reuse(byte[] array) {
            if (array.length >= POOLED_SIZE && array.length >= largestRequestBytes && free.size() < KEPT) {
                free.add(array);
            }
        }

        @Override
        public void release(ByteBuffer previouslyAllocated) {
            // Kafka's client does not call it for responses; reuse() takes them back.
        }

        @Override
        public long size() {
            return Long.MAX_VALUE;
        }

        @Override
        public long availableMemory() {
            return Long.MAX_VALUE;
        }

        @Override
        public boolean isOutOfMemory() {
            return false;
        }
    }

    /** An offset to fetch is not in its partition (deleted by retention, or past its end). */
    static final class OffsetOutOfRangeFailure extends KafkaException {
        private static final long serialVersionUID = 1L;
        private final transient TopicPartition partition;
        private final long offset;

        OffsetOutOfRangeFailure(TopicPartition partition, long offset) {
            super("Offset " + offset + " of " + partition + " is out of range");
            this.partition = partition;
            this.offset = offset;
        }

        TopicPartition partition() {
            return partition;
        }

        long offset() {
            return offset;
        }
    }

    /** Kafka's client metadata of only the ranges' topics (its default asks the cluster for every topic). */
    private static final class RangeMetadata extends Metadata {
        private final Set<String> topics = new HashSet<>();

        RangeMetadata(long refreshBackoffMs, long refreshBackoffMaxMs, long maxAgeMs, LogContext logContext) {
            super(refreshBackoffMs, refreshBackoffMaxMs, maxAgeMs, logContext, new ClusterResourceListeners());
        }

        /** Adds a topic; true if it is new. */
        synchronized boolean add(String topic) {
            return topics.add(topic);
        }

        @Override
        protected synchronized MetadataRequest.Builder newMetadataRequestBuilder() {
            return new MetadataRequest.Builder(new ArrayList<>(topics), false);
        }

        @Override
        protected synchronized MetadataRequest.Builder newMetadataRequestBuilderForNewTopics() {
            return newMetadataRequestBuilder();
        }

        @Override
        protected synchronized boolean retainTopic(String topic, boolean isInternal, long nowMs) {
            return topics.contains(topic);
        }
    }
}
