package dev.sluice.chaos;

import dev.sluice.demo.BrokerProcess;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The short version of the chaos suite, run by {@code mvn verify}: per scenario, a query process killed with
 * SIGKILL 3 times at seeded random moments while input is written, restarted from its checkpoint, then checked
 * row by row against the plain-Java reference. A Kafka broker runs in a process of its own for all of them.
 * {@code ./sluice chaos} runs the long version. Logs stay in {@code target/chaos-test/}.
 */
class ChaosIT {
    private static final ChaosSettings SHORT = new ChaosSettings(3, 1000, 2000, 1000, 6000, 42);

    private static Path dir;
    private static BrokerProcess broker;

    @BeforeAll
    static void startBroker() throws Exception {
        dir = Files.createDirectories(Path.of("target", "chaos-test", Long.toString(System.currentTimeMillis(), 36)))
                .toAbsolutePath();
        broker = BrokerProcess.start(dir.resolve("broker-data"), "768m");
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    private static ChaosResult run(String name) throws Exception {
        Path scenarioDir = dir.resolve(name);
        ChaosResult result = new ChaosRun(Scenario.create(name, "short", scenarioDir, SHORT.seed()), broker, scenarioDir,
                SHORT, System.out).run();
        System.out.println(result.line());
        assertEquals(SHORT.kills(), result.kills(), result.line());
        assertTrue(result.verification().map(v -> v.expected() > 0).orElse(false), "the reference has rows: " + result.line());
        return result;
    }

    @Test
    void fileSinkHoldsEveryFilteredRowOnce() throws Exception {
        ChaosResult result = run("file");
        assertTrue(result.passed(), result.line());
    }

    @Test
    void windowedAppendWritesEveryClosedWindowOnceAndExact() throws Exception {
        ChaosResult result = run("window");
        assertTrue(result.passed(), result.line());
    }

    @Test
    void streamJoinWritesEveryMatchingPairOnce() throws Exception {
        ChaosResult result = run("join");
        assertTrue(result.passed(), result.line());
    }

    @Test
    void kafkaSinkReadCommittedSeesEveryRowOnce() throws Exception {
        ChaosResult result = run("kafka");
        assertTrue(result.passed(), result.line());
    }
}
