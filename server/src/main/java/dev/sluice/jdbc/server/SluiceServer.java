package dev.sluice.jdbc.server;

import static java.util.Objects.requireNonNull;

import dev.sluice.api.AccessPolicy;
import dev.sluice.api.Sluice;
import dev.sluice.demo.EmbeddedDemo;
import dev.sluice.jdbc.meta.SluiceMeta;
import dev.sluice.ui.StatusServer;
import java.io.BufferedReader;
import java.io.Console;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.calcite.avatica.metrics.noop.NoopMetricsSystem;
import org.apache.calcite.avatica.remote.AuthenticationType;
import org.apache.calcite.avatica.remote.LocalService;
import org.apache.calcite.avatica.server.AvaticaProtobufHandler;
import org.apache.calcite.avatica.server.AvaticaServerConfiguration;
import org.apache.calcite.avatica.server.HttpRequestRemoteUserExtractor;
import org.apache.calcite.avatica.server.HttpServer;
import org.apache.calcite.avatica.server.RemoteUserExtractor;
import org.apache.calcite.avatica.server.ServerCustomizer;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code sluice server}: Sluice served to remote JDBC clients ({@code jdbc:sluice://host:port}) over Avatica's
 * HTTP protocol (protobuf). Each connection gets its own session (options, identity, {@code SELECT STREAM}s)
 * on the server's engine, whose catalog and queries into tables all sessions share.
 *
 * <p>Safe by default: it listens on 127.0.0.1 only, and remote sessions may use only paths under the Sluice
 * home. {@code --users} turns on HTTP BASIC authentication (hashed passwords), {@code --tls-keystore} HTTPS,
 * {@code --host 0.0.0.0} exposes it (with a warning if nobody has to log in).
 *
 * <pre>
 * ./sluice server [--host 127.0.0.1] [--port 8765] [--bootstrap localhost:9092] [--home DIR]
 *                 [--users users.properties] [--tls-keystore server.p12 --tls-keystore-password PW]
 *                 [--allowed-paths DIR,...] [--allowed-brokers host:port,...] [--embedded]
 * ./sluice server --hash-password     (reads a password, prints the hash for the users file)
 *                 [--ui-port 4040 | --no-ui]   (the status page; --no-ui for none)
 * </pre>
 */
public final class SluiceServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SluiceServer.class);
    /** The default port, Avatica's. */
    public static final int DEFAULT_PORT = 8765;
    /** Environment variable read for the keystore password when {@code --tls-keystore-password} is not given. */
    public static final String KEYSTORE_PASSWORD_ENV = "SLUICE_TLS_KEYSTORE_PASSWORD";
    private static final String REALM = "Sluice";
    private static final String[] ANY_AUTHENTICATED_USER = {"**"};

    private final HttpServer server;
    private final SluiceMeta meta;
    private final ServerOptions options;
    private final ScheduledExecutorService idleSessions;

    private SluiceServer(HttpServer server, SluiceMeta meta, ServerOptions options) {
        this.server = requireNonNull(server, "server is null");
        this.meta = requireNonNull(meta, "meta is null");
        this.options = requireNonNull(options, "options is null");
        this.idleSessions = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sluice-server-idle-sessions");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(100, Math.min(60_000, options.sessionIdleTimeout().toMillis() / 4));
        idleSessions.scheduleWithFixedDelay(() -> {
            try {
                meta.closeIdle(options.sessionIdleTimeout());
            } catch (RuntimeException e) {
                LOG.warn("Could not close idle sessions", e);
            }
        }, every, every, TimeUnit.MILLISECONDS);
    }

    /** Serves {@code engine} on 127.0.0.1:{@code port} (0: any free port), with the default options. */
    public static SluiceServer start(Sluice engine, int port) {
        return start(engine, ServerOptions.builder().port(port).build());
    }

    /**
     * Serves {@code engine}: each connection gets a session of it ({@link Sluice#newSession}). The caller
     * keeps closing {@code engine}, after the server.
     *
     * @throws IllegalArgumentException if the users file, keystore or an allowed path is invalid
     */
    public static SluiceServer start(Sluice engine, ServerOptions options) {
        requireNonNull(engine, "engine is null");
        requireNonNull(options, "options is null");
        Optional<UsersFile> users = options.users().map(UsersFile::load);
        RemoteSessions sessions = new RemoteSessions(engine, users, accessPolicy(engine, options));
        SluiceMeta meta = new SluiceMeta(sessions);
        LocalService service = new LocalService(meta);

        HttpServer.Builder<Server> builder = HttpServer.Builder.<Server>newBuilder().withPort(options.port());
        if (users.isPresent()) {
            String file = users.get().file().toString();
            builder.withBasicAuthentication(file, ANY_AUTHENTICATED_USER)
                    .withHandler(new AvaticaProtobufHandler(service, NoopMetricsSystem.getInstance(),
                            authenticatedRequests(file)));
        } else {
            builder.withHandler(new AvaticaProtobufHandler(service));
        }
        if (options.tlsKeystore().isPresent()) {
            Path keystore = options.tlsKeystore().get();
            if (!Files.isReadable(keystore)) {
                throw new IllegalArgumentException("Can't read the TLS keystore " + keystore);
            }
            // The server checks no client certificates; Avatica wants a truststore all the same.
            builder.withTLS(keystore.toFile(), options.tlsKeystorePassword(), keystore.toFile(),
                    options.tlsKeystorePassword());
        }
        ServerCustomizer<Server> bind = jetty -> {
            for (Connector c : jetty.getConnectors()) {
                ServerConnector connector = (ServerConnector) c;
                connector.setHost(options.host());
                SslConnectionFactory tls = connector.getConnectionFactory(SslConnectionFactory.class);
                if (tls != null) {
                    HttpsOnlyDetector detector = new HttpsOnlyDetector(tls);
                    connector.addFirstConnectionFactory(detector);
                    connector.setDefaultProtocol(detector.getProtocol());
                }
            }
        };
        builder.withServerCustomizers(List.of(bind), Server.class);
        HttpServer server = builder.build();
        server.start();
        String scheme = options.tlsKeystore().isPresent() ? "https" : "http";
        LOG.info("Sluice server listening on {}://{}:{}; authentication: {}; remote sessions limited to {}", scheme,
                options.host(), server.getPort(), users.map(u -> "BASIC, users in " + u.file()).orElse("none"),
                accessPolicy(engine, options));
        if (options.exposed() && users.isEmpty()) {
            LOG.warn("The server listens on {}, reachable from other machines, WITHOUT authentication: anyone who "
                    + "reaches port {} can read and write its Kafka topics and allowed paths. Start it with --users.",
                    options.host(), server.getPort());
        } else if (options.exposed() && options.tlsKeystore().isEmpty()) {
            LOG.warn("The server listens on {} without TLS: passwords and rows cross the network in clear text. "
                    + "Start it with --tls-keystore.", options.host());
        }
        return new SluiceServer(server, meta, options);
    }

    private static AccessPolicy accessPolicy(Sluice engine, ServerOptions options) {
        List<String> allowed = options.allowedPaths().isEmpty() ? List.of(engine.home().toString())
                : options.allowedPaths();
        List<Path> own = new ArrayList<>(List.of(engine.home().resolve("catalog.json")));
        options.users().ifPresent(own::add);
        options.tlsKeystore().ifPresent(own::add);
        Optional<List<String>> brokers = options.allowedBrokers().map(list -> {
            List<String> withOwn = new ArrayList<>(list);
            // The server's own default brokers are allowed: its tables use them.
            Optional.ofNullable(engine.options().get(Sluice.BOOTSTRAP_SERVERS)).ifPresent(withOwn::add);
            return withOwn;
        });
        return AccessPolicy.restricted(allowed, own, brokers);
    }

    /** The handler's view of BASIC authentication: it runs each request as its authenticated user. */
    private static AvaticaServerConfiguration authenticatedRequests(String usersFile) {
        RemoteUserExtractor extractor = new HttpRequestRemoteUserExtractor();
        return new AvaticaServerConfiguration() {
            @Override
            public AuthenticationType getAuthenticationType() {
                return AuthenticationType.BASIC;
            }

            @Override
            public String[] getAllowedRoles() {
                return ANY_AUTHENTICATED_USER.clone();
            }

            @Override
            public String getHashLoginServiceRealm() {
                return REALM;
            }

            @Override
            public String getHashLoginServiceProperties() {
                return usersFile;
            }

            @Override
            public boolean supportsImpersonation() {
                return true;
            }

            @Override
            public <T> T doAsRemoteUser(String remoteUserName, String remoteAddress, Callable<T> action)
                    throws Exception {
                return RemoteSessions.callAs(remoteUserName, action);
            }

            @Override
            public RemoteUserExtractor getRemoteUserExtractor() {
                return extractor;
            }

            @Override
            public String getKerberosRealm() {
                return null;
            }

            @Override
            public String getKerberosServiceName() {
                return null;
            }

            @Override
            public String getKerberosHostName() {
                return null;
            }

            @Override
            public String getKerberosPrincipal() {
                return null;
            }
        };
    }

    /** The port the server listens on. */
    public int port() {
        return server.getPort();
    }

    /** The options the server runs with. */
    public ServerOptions options() {
        return options;
    }

    /** The number of open JDBC connections (each with its session). */
    public int openSessions() {
        return meta.openSessions();
    }

    /** Blocks until the server stops. */
    public void join() throws InterruptedException {
        server.join();
    }

    /** Stops listening and closes the connections' sessions; the engine's queries into tables run on. */
    @Override
    public void close() {
        idleSessions.shutdownNow();
        server.stop();
        meta.closeAll();
    }

    /**
     * {@code sluice server [--host H] [--port N] [--users FILE] [--tls-keystore FILE --tls-keystore-password PW]
     * [--allowed-paths DIR,...] [--allowed-brokers host:port,...] [--embedded] [--bootstrap host:port]
     * [--home DIR]}, or {@code sluice server --hash-password}. {@code --embedded} starts the demo broker with
     * its live {@code clicks} table, as the shell's does.
     */
    public static void main(String[] args) throws Exception {
        quietLogs();
        int uiPort = StatusServer.DEFAULT_PORT;
        boolean ui = true;
        boolean embedded = false;
        Sluice.Builder builder = Sluice.builder();
        ServerOptions.Builder server = ServerOptions.builder();
        Path keystore = null;
        String keystorePassword = System.getenv(KEYSTORE_PASSWORD_ENV);
        List<String> list = List.of(args);
        for (int i = 0; i < list.size(); i++) {
            String arg = list.get(i);
            String value = i + 1 < list.size() ? list.get(i + 1) : null;
            switch (arg) {
                case "--host" -> server.host(requireValue(arg, value));
                case "--port" -> server.port(Integer.parseInt(requireValue(arg, value)));
                case "--bootstrap" -> builder.bootstrapServers(requireValue(arg, value));
                case "--home" -> builder.home(Path.of(requireValue(arg, value)));
                case "--users" -> server.users(Path.of(requireValue(arg, value)));
                case "--tls-keystore" -> keystore = Path.of(requireValue(arg, value));
                case "--tls-keystore-password" -> keystorePassword = requireValue(arg, value);
                case "--allowed-paths" -> server.allowedPaths(commaList(requireValue(arg, value)));
                case "--allowed-brokers" -> server.allowedBrokers(commaList(requireValue(arg, value)));
                case "--session-idle-timeout" -> server.sessionIdleTimeout(
                        Duration.ofMinutes(Long.parseLong(requireValue(arg, value))));
                case "--embedded" -> {
                    embedded = true;
                    i--;  // takes no value
                }
                case "--ui-port" -> uiPort = Integer.parseInt(requireValue(arg, value));
                case "--no-ui" -> {
                    ui = false;
                    i--;
                }
                case "--hash-password" -> {
                    System.out.println(PasswordHash.hash(readPassword()));
                    return;
                }
                case "-h", "--help" -> {
                    System.out.println("""
                            Usage: sluice server [--host 127.0.0.1] [--port 8765] [--bootstrap host:port] [--home DIR]
                                                 [--users users.properties] [--tls-keystore FILE --tls-keystore-password PW]
                                                 [--allowed-paths DIR,...] [--allowed-brokers host:port,...] [--embedded]
                                                 [--session-idle-timeout MINUTES] [--ui-port 4040 | --no-ui]
                                   sluice server --hash-password   (prints the hash of a password for the users file)
                            Keystore password also from $%s.""".formatted(KEYSTORE_PASSWORD_ENV));
                    return;
                }
                default -> fail("unknown option '" + arg + "'");
            }
            i++;
        }
        if (keystore != null) {
            if (keystorePassword == null) {
                fail("--tls-keystore needs --tls-keystore-password (or $" + KEYSTORE_PASSWORD_ENV + ")");
            }
            server.tls(keystore, keystorePassword);
        }
        ServerOptions options = server.build();
        EmbeddedDemo demo = embedded ? EmbeddedDemo.start() : null;
        if (demo != null) {
            builder.bootstrapServers(demo.bootstrapServers());
        }
        Sluice engine = builder.build();
        if (demo != null) {
            demo.registerTable(engine);
        }
        SluiceServer sluiceServer;
        try {
            sluiceServer = start(engine, options);
        } catch (IllegalArgumentException e) {
            engine.close();
            if (demo != null) {
                demo.close();
            }
            fail(e.getMessage());
            return;
        }
        // The status page beside the JDBC port (on localhost only): every query of the engine, live charts, /metrics.
        StatusServer statusPage = ui ? startStatusPage(engine, uiPort) : null;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (statusPage != null) {
                statusPage.close();
            }
            sluiceServer.close();
            engine.close();
            if (demo != null) {
                demo.close();
            }
        }, "sluice-server-shutdown"));
        String host = options.host().equals("0.0.0.0") ? "<this host>" : options.host();
        System.out.println("Sluice server: connect with jdbc:sluice://" + host + ":" + sluiceServer.port()
                + (options.tlsKeystore().isPresent() ? ";ssl=true" : "")
                + (options.users().isPresent() ? ";user=...;password=..." : ""));
        if (options.exposed() && options.users().isEmpty()) {
            System.err.println("WARNING: listening on " + options.host() + " without authentication: anyone who "
                    + "reaches this port can use the server. Add --users users.properties.");
        }
        if (statusPage != null) {
            System.out.println("Status page: " + statusPage.url() + " (queries, live charts; /metrics for Prometheus)");
        }
        sluiceServer.join();
    }

    private static List<String> commaList(String value) {
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /** The password to hash: from the console without echo, else one line of standard input. */
    private static char[] readPassword() throws java.io.IOException {
        Console console = System.console();
        if (console != null) {
            char[] first = console.readPassword("Password: ");
            char[] again = console.readPassword("Again: ");
            if (first == null || !Arrays.equals(first, again)) {
                fail("the passwords differ");
            }
            return first;
        }
        String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        if (line == null || line.isEmpty()) {
            fail("no password on standard input");
        }
        return line.toCharArray();
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
            fail(option + " needs a value");
        }
        return value;
    }

    private static void fail(String message) {
        System.err.println("sluice server: " + message);
        System.exit(2);
    }
}
