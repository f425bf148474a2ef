package dev.sluice.bench;

import static java.util.Objects.requireNonNull;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * The bench's Kafka broker in a child JVM ({@link BenchBroker}) with its data in a temporary directory: started
 * by {@link #start}, stopped (and its data deleted) by {@link #close()}. Its log goes to {@code broker.log}
 * beside the data.
 */
final class BrokerProcess implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final Process process;
    private final Path dir;
    private final String bootstrapServers;

    private BrokerProcess(Process process, Path dir, String bootstrapServers) {
        this.process = process;
        this.dir = dir;
        this.bootstrapServers = bootstrapServers;
    }

    /**
     * Starts the broker with the given heap and waits until it listens.
     *
     * @throws IllegalStateException if it does not come up within 90 s (its log says why)
     */
    static BrokerProcess start(String heap) throws IOException {
        requireNonNull(heap, "heap is null");
        Path dir = Files.createTempDirectory("sluice-bench-kafka-");
        Path log = dir.resolve("broker.log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-opens=java.base/java.nio=ALL-UNNAMED", "-Xmx" + heap,
                "-cp", System.getProperty("java.class.path"), BenchBroker.class.getName(), dir.resolve("data").toString()));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> bootstrap = CompletableFuture.supplyAsync(() -> {
            try {
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith(BenchBroker.BOOTSTRAP)) {
                        return line.substring(BenchBroker.BOOTSTRAP.length()).trim();
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
        }, "bench-broker-stdout");
        drain.setDaemon(true);
        drain.start();
        return new BrokerProcess(process, dir, servers);
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    /** The broker process's id, for {@code jcmd} or {@code top}. */
    long pid() {
        return process.pid();
    }

    /** Closes the broker's stdin (it then stops cleanly), waits for it (kills it after 60 s), deletes its data. */
    @Override
    public void close() throws IOException, InterruptedException {
        try {
            process.getOutputStream().close();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } finally {
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
