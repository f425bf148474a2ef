package dev.sluice.connectors.embedded;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.hadoop.fs.FileUtil;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka cluster (one KRaft process acting as broker and controller) running inside this
 * JVM, for the demo and for tests. Listens on two free ports of 127.0.0.1 (clients and controller); topics
 * are never auto-created.
 *
 * <p>Built on Kafka's internal server classes ({@link KafkaRaftServer}, {@link Formatter}), the same way
 * Kafka's own test kit does; they may change between Kafka versions. The broker logs through SLF4J.
 *
 * <p>{@link #stop()} and {@link #restart()} take the broker down and bring it back on the same ports with
 * the same data, as a broker bounce would (for tests of outages).
 *
 * <p>Thread-safe. {@link #close()} stops the broker, and deletes its data if it lives in a temporary
 * directory created by {@link #start()}.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
    private static final int NODE_ID = 1;
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final long TOPIC_READY_TIMEOUT_MS = 30_000;

    private final Path dataDir;
    private final boolean deleteOnClose;
    private final int port;
    private final int controllerPort;
    private final String bootstrapServers;
    /** The running server; null while stopped. */
    private KafkaRaftServer server;
    private Admin admin;
    private boolean closed;

    private EmbeddedKafkaBroker(KafkaRaftServer server, Path dataDir, boolean deleteOnClose, int port,
                                int controllerPort) {
        this.server = server;
        this.dataDir = dataDir;
        this.deleteOnClose = deleteOnClose;
        this.port = port;
        this.controllerPort = controllerPort;
        this.bootstrapServers = "127.0.0.1:" + port;
    }

    /** Starts a broker whose data lives in a fresh temporary directory, deleted by {@link #close()}. */
    public static EmbeddedKafkaBroker start() {
        try {
            return start(Files.createTempDirectory("sluice-kafka-"), true);
        } catch (IOException e) {
            throw new UncheckedIOException("Can't create a data directory for the embedded Kafka broker", e);
        }
    }

    /**
     * Starts a broker whose data lives in {@code dataDir} (created if missing). The data is kept on close,
     * so a later broker started on the same directory sees the same topics and records.
     */
    public static EmbeddedKafkaBroker start(Path dataDir) {
        return start(dataDir, false);
    }

    private static EmbeddedKafkaBroker start(Path dataDir, boolean deleteOnClose) {
        requireNonNull(dataDir, "dataDir is null");
        int[] ports = freePorts(2);
        int port = ports[0];
        int controllerPort = ports[1];
        try {
            return new EmbeddedKafkaBroker(startServer(dataDir, port, controllerPort), dataDir, deleteOnClose, port,
                    controllerPort);
        } catch (RuntimeException e) {
            if (deleteOnClose) {
                deleteRecursively(dataDir);
            }
            throw e;
        }
    }

    private static KafkaRaftServer startServer(Path dataDir, int port, int controllerPort) {
        long started = System.nanoTime();
        Path logDir = dataDir.toAbsolutePath().resolve("kraft-logs");
        try {
            Files.createDirectories(logDir);
            KafkaConfig config = KafkaConfig.fromProps(serverProperties(port, controllerPort, logDir), false);
            formatStorage(logDir);
            KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
            server.startup();
            LOG.info("Embedded Kafka broker listening on 127.0.0.1:{} (data in {}) started in {} ms", port, dataDir,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            return server;
        } catch (Exception e) {
            throw new IllegalStateException("Can't start the embedded Kafka broker in " + dataDir + ": " + e, e);
        }
    }

    /**
     * Takes the broker down, as if its process stopped: clients can't reach it until {@link #restart()}. Its
     * data is kept. Does nothing if it is stopped already.
     *
     * @throws IllegalStateException if the broker is closed
     */
    public void stop() {
        KafkaRaftServer running;
        synchronized (this) {
            checkOpen();
            running = server;
            server = null;
            if (admin != null) {
                admin.close();
                admin = null;
            }
        }
        if (running != null) {
            running.shutdown();
            running.awaitShutdown();
            LOG.info("Embedded Kafka broker on {} stopped (data kept in {})", bootstrapServers, dataDir);
        }
    }

    /**
     * Brings a {@link #stop() stopped} broker back on the same ports with the same data (topics, records,
     * topic ids). Does nothing if it is running.
     *
     * @throws IllegalStateException if the broker is closed or can't start (e.g. its port was taken meanwhile)
     */
    public synchronized void restart() {
        checkOpen();
        if (server == null) {
            server = startServer(dataDir, port, controllerPort);
        }
    }

    /** Whether the broker runs (not stopped, not closed). */
    public synchronized boolean isRunning() {
        return !closed && server != null;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("The embedded Kafka broker is closed");
        }
    }

    private static Properties serverProperties(int port, int controllerPort, Path logDir) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + "," + CONTROLLER_LISTENER + "://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        p.put("log.dirs", logDir.toString());
        // A single node can't host the default three replicas of the internal topics: without these, group
        // and transaction coordinators never come up and consumers silently read nothing.
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        // No time retention: tests write records with fixed, old timestamps, which the broker's retention
        // check (30 s after start, then every 5 min) would otherwise delete mid-run. Topics may still set retention.ms.
        p.put("log.retention.ms", "-1");
        p.put("auto.create.topics.enable", "false");
        p.put("num.partitions", "1");
        return p;
    }

    private static void formatStorage(Path logDir) throws Exception {
        if (Files.exists(logDir.resolve("meta.properties"))) {
            return; // formatted by an earlier broker on the same data directory
        }
        // The formatter reports on a PrintStream; keep it out of stdout and log it instead.
        ByteArrayOutputStream report = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(report, true, StandardCharsets.UTF_8)) {
            new Formatter()
                    .setPrintStream(out)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setNodeId(NODE_ID)
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .setMetadataLogDirectory(logDir.toString())
                    .setDirectories(List.of(logDir.toString()))
                    .run();
        }
        LOG.debug("Formatted {}: {}", logDir, report.toString(StandardCharsets.UTF_8).trim());
    }

    /**
     * {@code n} distinct free ports: each socket stays open until all are found, so the system can't hand the
     * same port out twice (it did, now and then: two listeners on one port, and the broker refused to start).
     */
    private static int[] freePorts(int n) {
        List<ServerSocket> sockets = new java.util.ArrayList<>();
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                socket.setReuseAddress(true);
                sockets.add(socket);
                ports[i] = socket.getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException("No free port on 127.0.0.1", e);
        } finally {
            for (ServerSocket socket : sockets) {
                try {
                    socket.close();
                } catch (IOException e) {
                    // nothing holds it any more either way
                }
            }
        }
    }

    /** {@code 127.0.0.1:<port>}, for the {@code bootstrap.servers} of clients. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Where the broker keeps its data. */
    public Path dataDir() {
        return dataDir;
    }

    /**
     * Creates a topic with replication factor 1 and waits until every partition has a leader, so clients can
     * use it at once.
     *
     * @throws IllegalStateException if it can't be created (e.g. it exists)
     */
    public void createTopic(String name, int partitions) {
        createTopic(name, partitions, Map.of());
    }

    /** Like {@link #createTopic(String, int)}, with topic configs such as {@code cleanup.policy}. */
    public void createTopic(String name, int partitions, Map<String, String> configs) {
        requireNonNull(name, "name is null");
        NewTopic topic = new NewTopic(name, partitions, (short) 1).configs(Map.copyOf(configs));
        try {
            admin().createTopics(List.of(topic)).all().get(TOPIC_READY_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            awaitLeaders(name, partitions);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Can't create topic '" + name + "': " + e.getCause().getMessage(), e.getCause());
        } catch (Exception e) {
            throw new IllegalStateException("Can't create topic '" + name + "': " + e, e);
        }
    }

    /** Whether the topic exists. */
    public boolean topicExists(String name) {
        try {
            return admin().listTopics().names().get(TOPIC_READY_TIMEOUT_MS, TimeUnit.MILLISECONDS).contains(name);
        } catch (Exception e) {
            throw new IllegalStateException("Can't list topics: " + e, e);
        }
    }

    private void awaitLeaders(String topic, int partitions) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TOPIC_READY_TIMEOUT_MS);
        while (true) {
            try {
                TopicDescription d = admin().describeTopics(List.of(topic)).allTopicNames().get().get(topic);
                List<TopicPartitionInfo> infos = d.partitions();
                if (infos.size() == partitions && infos.stream().allMatch(i -> i.leader() != null && !i.leader().isEmpty())) {
                    return;
                }
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Partitions of topic '" + topic + "' have no leader after "
                        + TOPIC_READY_TIMEOUT_MS + " ms");
            }
            Thread.sleep(20);
        }
    }

    private synchronized Admin admin() {
        checkOpen();
        if (admin == null) {
            admin = Admin.create(Map.of(
                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                    AdminClientConfig.CLIENT_ID_CONFIG, "sluice-embedded-broker-admin"));
        }
        return admin;
    }

    /** Stops the broker and waits until it is down; deletes its data if it is in a temporary directory. */
    @Override
    public void close() {
        KafkaRaftServer running;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            if (admin != null) {
                admin.close();
            }
            running = server;
            server = null;
        }
        if (running != null) {
            running.shutdown();
            running.awaitShutdown();
        }
        if (deleteOnClose) {
            deleteRecursively(dataDir);
        }
        LOG.info("Embedded Kafka broker on {} stopped", bootstrapServers);
    }

    /** Hadoop's recursive delete, the project's one. */
    private static void deleteRecursively(Path dir) {
        if (Files.exists(dir) && !FileUtil.fullyDelete(dir.toFile())) {
            LOG.warn("Can't delete the embedded Kafka broker's data directory {}", dir);
        }
    }
}
