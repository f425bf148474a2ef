package dev.sluice.chaos;

import dev.sluice.demo.BrokerProcess;
import static java.util.Objects.requireNonNull;

import dev.sluice.execution.checkpoint.BatchOffsets;
import dev.sluice.execution.checkpoint.Checkpoint;
import dev.sluice.execution.source.OffsetRange;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The kill -9 loop of one scenario, against a broker in another process:
 * <ol>
 *   <li>create the scenario's topics and write its SQL script;</li>
 *   <li>write input, round after round at a steady rate, until the kills are done;</li>
 *   <li>{@code kills} times: draw when to kill ({@link KillPlan}), launch the query process (same script, same
 *       checkpoint), kill it with SIGKILL at the drawn moment;</li>
 *   <li>launch it once more, stop writing input (after the round being written), write any closing input, wait
 *       until its committed offsets reach the ends of its input topics, and stop it cleanly (stdin closed: the
 *       running batch commits);</li>
 *   <li>compare what the sink holds with the reference computed in plain Java from the input produced.</li>
 * </ol>
 * Everything a run prints and logs stays in files under the scenario's directory.
 */
final class ChaosRun {
    private static final Duration CATCH_UP_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration BATCH_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration LAST_RUN_INPUT = Duration.ofSeconds(2);

    private final Scenario scenario;
    private final BrokerProcess broker;
    private final Path dir;
    private final ChaosSettings settings;
    private final PrintStream out;

    ChaosRun(Scenario scenario, BrokerProcess broker, Path dir, ChaosSettings settings, PrintStream out) {
        this.scenario = requireNonNull(scenario, "scenario is null");
        this.broker = requireNonNull(broker, "broker is null");
        this.dir = requireNonNull(dir, "dir is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.out = requireNonNull(out, "out is null");
    }

    ChaosResult run() throws IOException, InterruptedException {
        long started = System.nanoTime();
        Files.createDirectories(dir);
        scenario.topics().forEach((topic, partitions) -> ChaosTopics.createTopic(broker.bootstrapServers(), topic,
                partitions));
        Path checkpointRoot = dir.resolve("checkpoints");
        Path script = dir.resolve("query.sql");
        Files.writeString(script, scenario.script(checkpointRoot));
        Path home = dir.resolve("home");
        Random random = new Random(settings.seed() * 31 + scenario.name().hashCode());
        Map<String, Integer> killsByPhase = new LinkedHashMap<>();
        for (QueryProcess.Phase phase : QueryProcess.Phase.values()) {
            killsByPhase.put(phase.label, 0);
        }
        List<ProducerRecord<String, String>> produced;
        long batches = 0;
        long lateRows = 0;
        Optional<String> failure = Optional.empty();
        QueryProcess query = null;
        BatchTimes firstBatchOfLastRun = null;
        try (InputProducer producer = new InputProducer(broker.bootstrapServers(), settings.rowsPerSecond())) {
            producer.start(round -> scenario.round(round, settings.rowsPerRound()));
            for (int run = 0; run < settings.kills() && failure.isEmpty(); run++) {
                failure = producer.failure();
                if (failure.isPresent()) {
                    break;
                }
                KillPlan plan = KillPlan.draw(random, settings);
                query = QueryProcess.launch(run, broker.bootstrapServers(), home, script, dir);
                long delay = plan.delayMillis();
                if (plan.batch() > 0) {
                    if (!query.awaitBatchStarted(plan.batch(), BATCH_TIMEOUT) && !query.isAlive()) {
                        failure = Optional.of(ended(query));
                        break;
                    }
                    delay = plan.delayInBatch(query.lastBatch(), firstBatchOfLastRun);
                }
                Thread.sleep(delay);
                if (!query.isAlive()) {
                    failure = Optional.of(ended(query));
                    break;
                }
                QueryProcess.Phase phase = query.kill();
                if (query.firstBatch() != null) {
                    firstBatchOfLastRun = query.firstBatch();
                }
                killsByPhase.merge(phase.label, 1, Integer::sum);
                batches += query.committedBatches();
                lateRows += query.lateRows();
                out.printf(Locale.ROOT, "  %s: kill %d/%d %d ms %s: %s (%d batches committed in that run)%n",
                        scenario.name(), run + 1, settings.kills(), delay,
                        plan.batch() == 0 ? "after launch" : "after batch " + plan.batch() + " of the run started"
                                + (plan.sinkOrCommit() ? " (aimed at its sink or commit)" : ""),
                        phase.label, query.committedBatches());
            }
            if (failure.isEmpty()) {
                QueryProcess last = QueryProcess.launch(settings.kills(), broker.bootstrapServers(), home, script, dir);
                query = last;
                Thread.sleep(LAST_RUN_INPUT.toMillis());  // input keeps coming while the last run starts
                int rounds = producer.stop();
                failure = caughtUp(last, producer, checkpointRoot);
                for (List<ProducerRecord<String, String>> closing : scenario.closing(rounds, settings.rowsPerRound())) {
                    if (failure.isPresent()) {
                        break;
                    }
                    producer.write(closing);
                    failure = caughtUp(last, producer, checkpointRoot);
                }
                if (failure.isEmpty()) {
                    int exit = last.stop(STOP_TIMEOUT);
                    if (exit != 0) {
                        failure = Optional.of("the last run exited with " + exit + " when stopped; see " + last.log());
                    }
                } else {
                    last.kill();
                }
                batches += last.committedBatches();
                lateRows += last.lateRows();
            }
            produced = producer.produced();
        } finally {
            if (query != null && query.isAlive()) {
                query.kill();  // the run ended early (an exception): leave no query process behind
            }
        }
        Optional<Verification> verification = Optional.empty();
        if (failure.isEmpty()) {
            verification = Optional.of(Verification.of(scenario.expected(produced), scenario.found(broker.bootstrapServers())));
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        String notes = scenario.notes();
        if (lateRows > 0) {
            notes += (notes.isEmpty() ? "" : "; ") + lateRows + " rows dropped as late (batches re-run count again)";
        }
        return new ChaosResult(scenario.name(), killsByPhase.values().stream().mapToInt(Integer::intValue).sum(),
                killsByPhase, batches, verification, failure, notes, seconds);
    }

    private static String ended(QueryProcess query) {
        return "run " + query.run() + " exited by itself with code " + query.exitCode()
                + (query.failure() == null ? "" : ": " + query.failure()) + "; see " + query.log();
    }

    /** Why the input could not be written, or else why the query did not catch up with it, if it did not. */
    private Optional<String> caughtUp(QueryProcess query, InputProducer producer, Path checkpointRoot)
            throws InterruptedException {
        Optional<String> failed = producer.failure();
        return failed.isPresent() ? failed : awaitCaughtUp(query, producer.produced(), checkpointRoot);
    }

    /**
     * Checks that the topics hold exactly the records produced, then waits until the query's last committed batch
     * ends at the end of every input topic.
     *
     * @return why the query did not catch up, if it did not
     */
    private Optional<String> awaitCaughtUp(QueryProcess query, List<ProducerRecord<String, String>> produced,
                                           Path checkpointRoot) throws InterruptedException {
        long target = 0;
        for (String topic : scenario.inputTopics()) {
            long want = produced.stream().filter(r -> r.topic().equals(topic)).count();
            long held = ChaosTopics.records(broker.bootstrapServers(), topic);
            if (held != want) {
                return Optional.of("input topic " + topic + " holds " + held + " records, " + want + " were produced");
            }
            target += want;
        }
        Checkpoint checkpoint = Checkpoint.open(checkpointRoot.resolve(scenario.queryName()).toString());
        long deadline = System.nanoTime() + CATCH_UP_TIMEOUT.toNanos();
        while (true) {
            if (!query.isAlive()) {
                return Optional.of(ended(query));
            }
            if (committedPosition(checkpoint) == target) {
                return Optional.empty();
            }
            if (System.nanoTime() > deadline) {
                return Optional.of("the last run did not catch up within " + CATCH_UP_TIMEOUT + " (committed "
                        + committedPosition(checkpoint) + " of " + target + " records); see " + query.log());
            }
            Thread.sleep(200);
        }
    }

    /** Records of every input partition before the end of the last committed batch. */
    private static long committedPosition(Checkpoint checkpoint) {
        Optional<Long> last = checkpoint.lastCommittedBatch();
        if (last.isEmpty()) {
            return 0;
        }
        Optional<BatchOffsets> offsets = checkpoint.offsetLog().get(last.get());
        return offsets.map(o -> o.sources().values().stream().flatMap(List::stream)
                .mapToLong(OffsetRange::untilOffset).sum()).orElse(0L);
    }
}
