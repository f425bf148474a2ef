package dev.sluice.chaos;

import static java.util.Objects.requireNonNull;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * A Kafka broker in a separate JVM ({@link ChaosBroker}), started by the harness and stopped by
 * {@link #close()}. Its log goes to {@code broker.log} in the data directory's parent.
 */
final class BrokerProcess implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final Process process;
    private final String bootstrapServers;

    private BrokerProcess(Process process, String bootstrapServers) {
        this.process = process;
        this.bootstrapServers = bootstrapServers;
    }

    /**
     * Starts the broker with its data in {@code dataDir} and waits until it listens.
     *
     * @throws IllegalStateException if it does not come up within 90 s (its log says why)
     */
    static BrokerProcess start(Path dataDir) throws IOException {
        requireNonNull(dataDir, "dataDir is null");
        Files.createDirectories(dataDir);
        Path log = dataDir.toAbsolutePath().getParent().resolve("broker.log");
        Process process = new ProcessBuilder(JvmCommand.of(ChaosBroker.class, List.of("-Xmx768m"), List.of(dataDir.toString())))
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> bootstrap = CompletableFuture.supplyAsync(() -> {
            try {
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith(ChaosBroker.BOOTSTRAP)) {
                        return line.substring(ChaosBroker.BOOTSTRAP.length()).trim();
                    }
                }
                return null;  // the process died
            } catch (IOException e) {
                return null;
            }
        });
        String servers = null;
        try {
            servers = bootstrap.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // Reported below.
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while the Kafka broker process started", e);
        }
        if (servers == null) {
            process.destroyForcibly();
            throw new IllegalStateException("The Kafka broker process did not start within " + START_TIMEOUT + "; see " + log);
        }
        // Anything it prints later is drained, so that a full pipe never blocks it.
        Thread drain = new Thread(() -> {
            try {
                out.transferTo(Writer.nullWriter());
            } catch (IOException e) {
                // The process ended.
            }
        }, "chaos-broker-stdout");
        drain.setDaemon(true);
        drain.start();
        return new BrokerProcess(process, servers);
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    /**
     * Creates a topic, replication factor 1.
     *
     * @throws IllegalStateException if it can't (e.g. it exists), naming it
     */
    void createTopic(String name, int partitions) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(60, TimeUnit.SECONDS);
            // Wait for every partition's leader, so that the first writes don't bounce off a missing one.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!hasLeaders(admin, name)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("partitions without a leader after 60 s");
                }
                Thread.sleep(50);
            }
        } catch (Exception e) {
            throw new IllegalStateException("Can't create topic '" + name + "': " + e, e);
        }
    }

    private static boolean hasLeaders(Admin admin, String topic) throws Exception {
        try {
            return admin.describeTopics(List.of(topic)).allTopicNames().get(60, TimeUnit.SECONDS).get(topic).partitions()
                    .stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return false;  // created, but not in the broker's metadata yet
            }
            throw e;
        }
    }

    /** Records in {@code topic}: the sum of its partitions' end offsets (its partitions start at 0). */
    long records(String topic) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            List<TopicPartition> partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(60, TimeUnit.SECONDS)
                    .get(topic).partitions().stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            partitions.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
            return admin.listOffsets(latest).all().get(60, TimeUnit.SECONDS).values().stream()
                    .mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset).sum();
        } catch (Exception e) {
            throw new IllegalStateException("Can't read the end offsets of topic '" + topic + "': " + e, e);
        }
    }

    /** Closes the broker's stdin (it then stops cleanly) and waits for it; kills it if it does not stop in 60 s. */
    @Override
    public void close() {
        try {
            process.getOutputStream().close();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (IOException e) {
            process.destroyForcibly();
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
