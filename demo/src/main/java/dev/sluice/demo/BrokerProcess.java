package dev.sluice.demo;

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
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A Kafka broker in a child JVM ({@link BrokerMain}) on this JVM's classpath, for the bench and the chaos
 * suite: started by {@link #start}, stopped by {@link #close()}. Its log goes to {@code broker.log} in the
 * data directory's parent.
 */
public final class BrokerProcess implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final Process process;
    private final String bootstrapServers;

    private BrokerProcess(Process process, String bootstrapServers) {
        this.process = process;
        this.bootstrapServers = bootstrapServers;
    }

    /**
     * Starts the broker with its data in {@code dataDir} and a heap of {@code heap} ({@code 768m}, {@code 1g}),
     * and waits until it listens.
     *
     * @throws IllegalStateException if it does not come up within 90 s (its log says why)
     */
    public static BrokerProcess start(Path dataDir, String heap) throws IOException {
        requireNonNull(dataDir, "dataDir is null");
        requireNonNull(heap, "heap is null");
        Files.createDirectories(dataDir);
        Path log = dataDir.toAbsolutePath().getParent().resolve("broker.log");
        List<String> command = JvmCommand.ofBroker(BrokerMain.class, List.of("-Xmx" + heap), List.of(dataDir.toString()));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> bootstrap = CompletableFuture.supplyAsync(() -> {
            try {
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith(BrokerMain.BOOTSTRAP)) {
                        return line.substring(BrokerMain.BOOTSTRAP.length()).trim();
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
        }, "broker-process-stdout");
        drain.setDaemon(true);
        drain.start();
        return new BrokerProcess(process, servers);
    }

    /** The broker's {@code host:port}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The broker process's id, for {@code jcmd} or {@code top}. */
    public long pid() {
        return process.pid();
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
