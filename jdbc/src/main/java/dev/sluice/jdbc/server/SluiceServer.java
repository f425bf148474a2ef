package dev.sluice.jdbc.server;

import static java.util.Objects.requireNonNull;

import dev.sluice.api.Sluice;
import dev.sluice.api.demo.EmbeddedDemo;
import dev.sluice.jdbc.meta.SluiceMeta;
import dev.sluice.ui.StatusServer;
import java.nio.file.Path;
import java.util.List;
import org.apache.calcite.avatica.remote.Driver;
import org.apache.calcite.avatica.remote.LocalService;
import org.apache.calcite.avatica.server.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code sluice server}: one Sluice session served to remote JDBC clients ({@code jdbc:sluice://host:port})
 * over Avatica's HTTP protocol (protobuf). Every connection shares the session: its catalog, its options and
 * its continuous queries.
 *
 * <pre>
 * ./sluice server --port 8765 --bootstrap localhost:9092 [--home DIR]
 * ./sluice server --embedded        (a demo broker with a live clicks table)
 * ./sluice server --ui-port 4041    (the status page's port; --no-ui for none)
 * </pre>
 */
public final class SluiceServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SluiceServer.class);
    /** The default port, Avatica's. */
    public static final int DEFAULT_PORT = 8765;

    private final HttpServer server;

    private SluiceServer(HttpServer server) {
        this.server = requireNonNull(server, "server is null");
    }

    /** Serves {@code session} on {@code port} (0: any free port); the caller keeps closing the session. */
    public static SluiceServer start(Sluice session, int port) {
        LocalService service = new LocalService(new SluiceMeta(null, session, false));
        HttpServer server = new HttpServer.Builder<>()
                .withHandler(service, Driver.Serialization.PROTOBUF)
                .withPort(port)
                .build();
        server.start();
        LOG.info("Sluice server listening on port {}", server.getPort());
        return new SluiceServer(server);
    }

    /** The port the server listens on. */
    public int port() {
        return server.getPort();
    }

    /** Blocks until the server stops. */
    public void join() throws InterruptedException {
        server.join();
    }

    @Override
    public void close() {
        server.stop();
    }

    /**
     * {@code sluice server [--port N] [--embedded] [--bootstrap host:port] [--home DIR]}; {@code --embedded}
     * starts the demo broker with its live {@code clicks} table, as the shell's does.
     */
    public static void main(String[] args) throws Exception {
        quietLogs();
        int port = DEFAULT_PORT;
        int uiPort = StatusServer.DEFAULT_PORT;
        boolean ui = true;
        boolean embedded = false;
        Sluice.Builder builder = Sluice.builder();
        List<String> list = List.of(args);
        for (int i = 0; i < list.size(); i++) {
            String arg = list.get(i);
            String value = i + 1 < list.size() ? list.get(i + 1) : null;
            switch (arg) {
                case "--port" -> port = Integer.parseInt(requireValue(arg, value));
                case "--bootstrap" -> builder.bootstrapServers(requireValue(arg, value));
                case "--home" -> builder.home(Path.of(requireValue(arg, value)));
                case "--embedded" -> {
                    embedded = true;
                    i--;  // takes no value
                }
                case "--ui-port" -> uiPort = Integer.parseInt(requireValue(arg, value));
                case "--no-ui" -> {
                    ui = false;
                    i--;
                }
                case "-h", "--help" -> {
                    System.out.println("Usage: sluice server [--port N] [--embedded] [--bootstrap host:port] [--home DIR] "
                            + "[--ui-port N | --no-ui]");
                    return;
                }
                default -> {
                    System.err.println("sluice server: unknown option '" + arg + "'");
                    System.exit(2);
                }
            }
            i++;
        }
        EmbeddedDemo demo = embedded ? EmbeddedDemo.start() : null;
        if (demo != null) {
            builder.bootstrapServers(demo.bootstrapServers());
        }
        Sluice session = builder.build();
        if (demo != null) {
            demo.registerTable(session);
        }
        SluiceServer server = start(session, port);
        // The status page beside the JDBC port: the session's queries, live charts, /metrics.
        StatusServer statusPage = ui ? startStatusPage(session, uiPort) : null;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (statusPage != null) {
                statusPage.close();
            }
            server.close();
            session.close();
            if (demo != null) {
                demo.close();
            }
        }, "sluice-server-shutdown"));
        System.out.println("Sluice server: connect with jdbc:sluice://localhost:" + server.port());
        if (statusPage != null) {
            System.out.println("Status page: " + statusPage.url() + " (queries, live charts; /metrics for Prometheus)");
        }
        server.join();
    }

    /** The status page; one that can't start (every port taken) is reported, and the server goes on without it. */
    private static StatusServer startStatusPage(Sluice session, int port) {
        try {
            return StatusServer.start(session, "localhost", port);
        } catch (RuntimeException e) {
            System.err.println("sluice server: no status page: " + e.getMessage());
            return null;
        }
    }

    /** INFO for Sluice and the server, WARN for the chatty Kafka and Jetty clients (logback's default is DEBUG). */
    private static void quietLogs() {
        if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext context) {
            context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(ch.qos.logback.classic.Level.INFO);
            for (String chatty : List.of("org.apache.kafka", "org.eclipse.jetty", "org.apache.hadoop")) {
                context.getLogger(chatty).setLevel(ch.qos.logback.classic.Level.WARN);
            }
        }
    }

    private static String requireValue(String option, String value) {
        if (value == null) {
            System.err.println("sluice server: " + option + " needs a value");
            System.exit(2);
        }
        return value;
    }
}
