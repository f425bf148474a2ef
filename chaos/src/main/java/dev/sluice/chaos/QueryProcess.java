package dev.sluice.chaos;

import static java.util.Objects.requireNonNull;

import dev.sluice.demo.JvmCommand;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.LocalTime;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One run of the query process ({@link ChaosQuery}) in its own JVM: launched, then either killed with
 * SIGKILL ({@link #kill()}, {@link Process#destroyForcibly()}) or stopped gracefully ({@link #stop}).
 *
 * <p>A thread copies the process's stdout, timestamped, to {@code run-<n>.out} and remembers the last event it
 * reported, which says where a kill landed ({@link Phase}); stderr (its log) goes to {@code run-<n>.log}.
 */
final class QueryProcess {
    /** What the query process was doing, as last reported, when it was killed. */
    enum Phase {
        /** JVM start, session, planning, opening connectors and checkpoint: no batch yet in this run. */
        STARTING("starting"),
        /** A batch's offsets were logged (or a pending batch is re-run) and it was not committed yet. */
        IN_BATCH("in a batch"),
        /** The last batch was committed (or the query just started) and the next was not logged yet. */
        BETWEEN_BATCHES("between batches");

        final String label;

        Phase(String label) {
            this.label = label;
        }
    }

    /**
     * A small heap, C1 only and the serial collector: on 2 cores, C2's compiler threads double the time from
     * launch to the first batch (about 7 s instead of 3 s), and most of a run's life would be start-up.
     */
    private static final List<String> JVM_FLAGS = List.of("-Xmx512m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

    private final int run;
    private final Process process;
    private final Thread reader;
    private final Path log;
    private volatile Phase phase = Phase.STARTING;
    private volatile int committedBatches;
    private volatile int startedBatches;
    private volatile BatchTimes firstBatch;
    private volatile BatchTimes lastBatch;
    private volatile long lateRows;
    private volatile String failure;

    private QueryProcess(int run, Process process, Path out, Path log) {
        this.run = run;
        this.process = process;
        this.log = log;
        LocalTime launched = LocalTime.now();
        this.reader = new Thread(() -> copyEvents(out, launched), "chaos-query-" + run + "-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    /** Launches run {@code run} of the query process on {@code script}, logging into {@code dir}. */
    static QueryProcess launch(int run, String bootstrapServers, Path home, Path script, Path dir) throws IOException {
        requireNonNull(bootstrapServers, "bootstrapServers is null");
        Path out = dir.resolve("run-" + run + ".out");
        Path log = dir.resolve("run-" + run + ".log");
        Process process = new ProcessBuilder(JvmCommand.of(ChaosQuery.class, JVM_FLAGS,
                List.of(bootstrapServers, home.toString(), script.toString())))
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        return new QueryProcess(run, process, out, log);
    }

    private void copyEvents(Path out, LocalTime launched) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                     StandardOpenOption.APPEND)) {
            w.write(launched + " LAUNCHED");
            w.newLine();
            w.flush();
            String line;
            while ((line = in.readLine()) != null) {
                w.write(LocalTime.now() + " " + line);
                w.newLine();
                w.flush();
                String[] f = line.split(" ");
                switch (f[0]) {
                    case "STARTED" -> {
                        if (phase == Phase.STARTING) {
                            phase = Phase.BETWEEN_BATCHES;  // unless the first batch was already reported
                        }
                    }
                    case "SUBMITTED" -> phase = Phase.IN_BATCH;
                    case "RUNNING" -> {
                        phase = Phase.IN_BATCH;
                        startedBatches++;
                    }
                    case "COMMITTED" -> {
                        if (f.length > 5) {
                            BatchTimes times = BatchTimes.parse(line.substring(line.indexOf('{')));
                            if (committedBatches == 0) {
                                firstBatch = times;
                            } else {
                                lastBatch = times;  // the run's first batch loads classes: not typical
                            }
                        }
                        committedBatches++;
                        lateRows += Long.parseLong(f[4]);
                        phase = Phase.BETWEEN_BATCHES;
                    }
                    case "FAILED" -> failure = line.substring("FAILED ".length());
                    default -> {
                        // STOPPED: nothing to note.
                    }
                }
                synchronized (this) {
                    notifyAll();
                }
            }
        } catch (IOException e) {
            // The process died: its stdout ended.
        }
        synchronized (this) {
            notifyAll();
        }
    }

    /**
     * Waits until the query has started its {@code n}-th batch of this run (a re-run of a killed batch
     * counts), the process has ended, or {@code timeout} has passed; returns whether the batch started.
     */
    synchronized boolean awaitBatchStarted(int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (startedBatches < n && process.isAlive()) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                break;
            }
            wait(Math.min(left, 100));  // also wakes to see the process end
        }
        return startedBatches >= n;
    }

    int run() {
        return run;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Kills the process with SIGKILL and waits until it is gone; returns where the kill landed. */
    Phase kill() throws InterruptedException {
        Phase at = phase;
        process.destroyForcibly();
        process.waitFor();
        reader.join(TimeUnit.SECONDS.toMillis(5));
        return at;
    }

    /**
     * Closes the process's stdin, so that it stops its query gracefully, and waits for it.
     *
     * @return the exit code (0: stopped cleanly)
     * @throws IllegalStateException if it did not exit within {@code timeout} (it is then killed)
     */
    int stop(Duration timeout) throws IOException, InterruptedException {
        process.getOutputStream().close();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor();
            throw new IllegalStateException("Query process run " + run + " did not stop within " + timeout + "; see " + log);
        }
        reader.join(TimeUnit.SECONDS.toMillis(5));
        return process.exitValue();
    }

    /** The exit code, if the process has ended. */
    Integer exitCode() {
        return process.isAlive() ? null : process.exitValue();
    }

    /**
     * The phase times of the last batch of this run, as reported; null if none but the run's first (which loads
     * classes and warms up, so says little about the next) committed yet.
     */
    BatchTimes lastBatch() {
        return lastBatch;
    }

    /** The phase times of this run's first batch (cold, and often the re-run of a killed one); null if none yet. */
    BatchTimes firstBatch() {
        return firstBatch;
    }

    int committedBatches() {
        return committedBatches;
    }

    long lateRows() {
        return lateRows;
    }

    /** The query's failure message, if it reported one. */
    String failure() {
        return failure;
    }

    Path log() {
        return log;
    }
}
