package dev.sluice.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.api.Sluice;
import dev.sluice.connectors.testing.SharedKafkaBroker;
import dev.sluice.jdbc.server.SluiceServer;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The thin driver jar ({@code sluice-jdbc-VERSION-driver.jar}) as a JDBC tool uses it: sqlline, from Maven
 * Central, in a JVM of its own whose classpath is sqlline and that one jar, connects to a real
 * {@link SluiceServer} on a free port, creates a table over the real broker and reads it back.
 */
@Timeout(120)
class ThinDriverIT {
    private static final Path DRIVER_JAR = Path.of(System.getProperty("sluice.jdbc.driver.jar",
            "../jdbc/target/sluice-jdbc-0.1.0-SNAPSHOT-driver.jar"));
    private static final Path SQLLINE_JAR = Path.of(System.getProperty("sluice.sqlline.jar",
            "target/sqlline/sqlline.jar"));
    /** A driver jar past this size has dragged something of the engine in. */
    private static final long MAX_DRIVER_BYTES = 10L * 1024 * 1024;

    @TempDir
    Path home;

    private Sluice engine;
    private SluiceServer server;

    @BeforeEach
    void startServer() {
        engine = Sluice.builder().home(home).bootstrapServers(SharedKafkaBroker.bootstrapServers()).build();
        server = SluiceServer.start(engine, 0);
    }

    @AfterEach
    void stopServer() {
        server.close();
        engine.close();
    }

    @Test
    void jarHoldsTheDriverAndNoEngine() throws IOException {
        assertTrue(Files.isRegularFile(DRIVER_JAR), "build the jdbc module first: " + DRIVER_JAR.toAbsolutePath());
        assertTrue(Files.size(DRIVER_JAR) < MAX_DRIVER_BYTES, DRIVER_JAR + " is " + Files.size(DRIVER_JAR) + " bytes");
        List<String> engineEntries = new ArrayList<>();
        boolean driver = false;
        boolean registered = false;
        try (ZipFile zip = new ZipFile(DRIVER_JAR.toFile())) {
            for (ZipEntry entry : Collections.list(zip.entries())) {
                String name = entry.getName();
                driver |= name.equals("dev/sluice/jdbc/SluiceDriver.class");
                registered |= name.equals("META-INF/services/java.sql.Driver");
                if (name.startsWith("dev/sluice/api/") || name.startsWith("dev/sluice/execution/")
                        || name.startsWith("dev/sluice/planner/") || name.startsWith("org/apache/kafka/")
                        || name.startsWith("kafka/") || name.startsWith("scala/") || name.startsWith("org/apache/arrow/")
                        || name.startsWith("org/apache/calcite/rel/") || name.startsWith("org/eclipse/jetty/")) {
                    engineEntries.add(name);
                }
            }
        }
        assertTrue(driver && registered, "the driver class and its ServiceLoader entry are in the jar");
        assertEquals(List.of(), engineEntries.stream().limit(5).toList(), "no engine, broker or server classes");
    }

    @Test
    void sqllineQueriesTheServerThroughTheThinJarAlone() throws Exception {
        String topic = SharedKafkaBroker.createTopic("thin", 1);
        long[] users = {1, 2, 3, 4};
        double[] amounts = {2.5, 0.5, 7.0, 1.5};
        for (int i = 0; i < users.length; i++) {
            SharedKafkaBroker.produce(topic, 0, null, "{\"user_id\": " + users[i] + ", \"amount\": " + amounts[i] + "}");
        }
        List<String> expected = new ArrayList<>();  // the reference: the filter in plain Java
        for (int i = 0; i < users.length; i++) {
            if (amounts[i] > 1) {
                expected.add("'" + users[i] + "','" + amounts[i] + "'");
            }
        }
        Path script = home.resolve("query.sql");
        Files.writeString(script, String.join("\n",
                "CREATE TABLE clicks (user_id BIGINT, amount DOUBLE) WITH ('connector'='kafka', 'topic'='" + topic
                        + "', 'format'='json', 'scan.startup.mode'='earliest');",
                "SELECT user_id, amount FROM clicks WHERE amount > 1;",
                "!quit", ""));

        String output = sqlline("jdbc:sluice://127.0.0.1:" + server.port(), "-f", script.toString());

        List<String> rows = output.lines().map(String::strip).filter(line -> line.matches("'\\d+','[0-9.]+'")).toList();
        assertEquals(expected, rows, output);
    }

    @Test
    void anEmbeddedUrlThroughTheThinJarSaysWhatIsMissing() throws Exception {
        String output = sqlline("jdbc:sluice:embedded", "-e", "SELECT 1");
        assertTrue(output.contains("sluice-server") && output.contains("jdbc:sluice://host:port"), output);
    }

    /** Runs sqlline with the thin driver jar as the only other thing on its classpath; returns what it printed. */
    private static String sqlline(String url, String... arguments) throws Exception {
        assertTrue(Files.isRegularFile(SQLLINE_JAR), "sqlline is copied by the build: " + SQLLINE_JAR.toAbsolutePath());
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", SQLLINE_JAR.toAbsolutePath() + File.pathSeparator + DRIVER_JAR.toAbsolutePath(),
                "sqlline.SqlLine", "-u", url, "-n", "", "-p", "", "--connectInteractionMode=notAskCredentials",
                "--outputFormat=csv", "--showHeader=false", "--color=false"));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(
                new File(System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("win") ? "NUL" : "/dev/null")))
                .start();
        byte[] out = process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "sqlline did not exit");
        return new String(out, StandardCharsets.UTF_8);
    }
}
