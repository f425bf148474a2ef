package dev.sluice.ui;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.sluice.api.Sluice;
import dev.sluice.api.StreamingQuery;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The status page of a session, as Spark's UI on port 4040: a page listing every continuous query of the
 * session, a page per query with live charts of its batches and its plan, JSON endpoints the pages poll
 * (useful to scripts too) and {@code /metrics} in Prometheus' text format. The JDK's HTTP server; the
 * charts are uPlot, served from its WebJar, so nothing is loaded from the internet.
 *
 * <pre>
 * GET  /                              the queries page
 * GET  /query.html?id=ID              a query's page
 * GET  /api/queries                   every query of the session, most recent first
 * GET  /api/queries/ID                one query (id or name), with its plan
 * GET  /api/queries/ID/progress       its recent batches (?after=BATCH_ID for the newer ones only)
 * POST /api/queries/ID/stop           stops it, as STOP QUERY does
 * GET  /metrics                       Prometheus text format: per-query series and JVM metrics
 * </pre>
 */
public final class StatusServer implements AutoCloseable {
    /** Spark's UI port, the one people look for. */
    public static final int DEFAULT_PORT = 4040;
    /** Ports tried after a taken one, as Spark's {@code spark.port.maxRetries}. */
    public static final int PORT_ATTEMPTS = 16;

    private static final Logger LOG = LoggerFactory.getLogger(StatusServer.class);
    private static final String STATIC = "/dev/sluice/ui/static/";
    private static final Pattern QUERY_PATH = Pattern.compile("^/api/queries/([^/]+)(/progress|/stop)?/?$");
    private static final Pattern FILE_NAME = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._-]*$");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8", "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8", "svg", "image/svg+xml", "ico", "image/x-icon");

    private final Sluice session;
    private final HttpServer server;
    private final ExecutorService handlers;
    private final SessionQueries queries;
    private final QueryMetrics metrics;
    private final PrometheusMeterRegistry registry;
    private final JvmGcMetrics gcMetrics;
    private final String uplotVersion;

    private StatusServer(Sluice session, HttpServer server, ExecutorService handlers) {
        this.session = requireNonNull(session, "session is null");
        this.server = requireNonNull(server, "server is null");
        this.handlers = requireNonNull(handlers, "handlers is null");
        this.queries = new SessionQueries(Clock.systemUTC());
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        this.metrics = new QueryMetrics(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        this.gcMetrics = new JvmGcMetrics();
        gcMetrics.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        this.uplotVersion = webJarVersion("uplot");
    }

    /**
     * Serves the status page of {@code session} on {@code host}, at {@code port} or, if that is taken, the next
     * free one of {@value #PORT_ATTEMPTS} (port 0: any free port).
     *
     * @throws UncheckedIOException naming the ports tried if none is free
     */
    public static StatusServer start(Sluice session, String host, int port) {
        requireNonNull(session, "session is null");
        requireNonNull(host, "host is null");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("Invalid status page port " + port + " (0 to 65535)");
        }
        HttpServer server = bind(host, port);
        AtomicInteger n = new AtomicInteger();
        ExecutorService handlers = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "sluice-ui-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        StatusServer status = new StatusServer(session, server, handlers);
        server.setExecutor(handlers);
        server.createContext("/", status::handle);
        session.addListener(status.queries);
        session.addListener(status.metrics);
        List<StreamingQuery> running = session.activeQueries();
        status.queries.adopt(running);
        running.forEach(status.metrics::onQueryStarted);
        server.start();
        LOG.info("Status page on {}", status.url());
        return status;
    }

    private static HttpServer bind(String host, int port) {
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (IOException e) {
            throw new UncheckedIOException("Can't resolve the status page's host '" + host + "': " + e.getMessage(), e);
        }
        int attempts = port == 0 ? 1 : PORT_ATTEMPTS;
        IOException last = null;
        for (int i = 0; i < attempts && port + i <= 65535; i++) {
            try {
                return HttpServer.create(new InetSocketAddress(address, port + i), 0);
            } catch (BindException e) {
                LOG.info("Port {} is taken; trying {}", port + i, port + i + 1);
                last = e;
            } catch (IOException e) {
                throw new UncheckedIOException("Can't serve the status page on " + host + ":" + (port + i) + ": "
                        + e.getMessage(), e);
            }
        }
        throw new UncheckedIOException("Can't serve the status page: ports " + port + " to "
                + Math.min(65535, port + attempts - 1) + " on " + host + " are taken (choose another with --ui-port, "
                + "or --no-ui)", last);
    }

    /** The port it listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** The page's address, e.g. {@code http://localhost:4040}. */
    public String url() {
        InetAddress address = server.getAddress().getAddress();
        String host = address.isLoopbackAddress() || address.isAnyLocalAddress() ? "localhost"
                : address.getHostAddress().contains(":") ? "[" + address.getHostAddress() + "]" : address.getHostAddress();
        return "http://" + host + ":" + port();
    }

    /** The registry behind {@code /metrics}, for other meters of the same process. */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    private void handle(HttpExchange exchange) throws IOException {
        // The catches are inside: an exchange closed first could not answer the error.
        try (exchange) {
            try {
                route(exchange);
            } catch (IllegalArgumentException e) {
                sendJson(exchange, 400, Map.of("error", String.valueOf(e.getMessage())));
            } catch (RuntimeException e) {
                LOG.warn("Status page request {} failed", exchange.getRequestURI(), e);
                sendText(exchange, 500, "Failed: " + e.getMessage());
            }
        }
    }

    private void route(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        Matcher query = QUERY_PATH.matcher(path);
        if (path.equals("/metrics")) {
            send(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape());
        } else if (path.equals("/api/queries") || path.equals("/api/queries/")) {
            sendJson(exchange, 200, queries.runs().stream().map(QueryJson::summary).toList());
        } else if (query.matches()) {
            queryEndpoint(exchange, method, query.group(1), Optional.ofNullable(query.group(2)).orElse(""));
        } else if (path.equals("/") || path.equals("/index.html")) {
            resource(exchange, STATIC + "index.html");
        } else if (path.startsWith("/static/") && FILE_NAME.matcher(path.substring(8)).matches()) {
            resource(exchange, STATIC + path.substring(8));
        } else if (path.startsWith("/") && FILE_NAME.matcher(path.substring(1)).matches()
                && path.endsWith(".html")) {
            resource(exchange, STATIC + path.substring(1));
        } else if (path.startsWith("/webjars/uplot/") && FILE_NAME.matcher(path.substring(15)).matches()) {
            resource(exchange, "/META-INF/resources/webjars/uplot/" + uplotVersion + "/dist/" + path.substring(15));
        } else {
            sendText(exchange, 404, "Not found: " + path);
        }
    }

    private void queryEndpoint(HttpExchange exchange, String method, String idOrName, String action) throws IOException {
        Optional<QueryRun> found = queries.find(java.net.URLDecoder.decode(idOrName, UTF_8));
        if (found.isEmpty()) {
            sendJson(exchange, 404, Map.of("error", "No query with id or name '" + idOrName + "'"));
            return;
        }
        QueryRun run = found.get();
        switch (action) {
            case "" -> sendJson(exchange, 200, QueryJson.detail(run));
            case "/progress" -> sendJson(exchange, 200, QueryJson.progress(run, after(exchange)));
            case "/stop" -> {
                if (!method.equals("POST")) {
                    exchange.getResponseHeaders().set("Allow", "POST");
                    sendJson(exchange, 405, Map.of("error", "Stop with POST"));
                } else if (!run.query().isActive()) {
                    sendJson(exchange, 409, Map.of("error", "Query '" + run.query().name() + "' is not running"));
                } else {
                    stop(run.query());
                    sendJson(exchange, 202, Map.of("stopping", run.query().name()));
                }
            }
            default -> sendText(exchange, 404, "Not found");
        }
    }

    /** As STOP QUERY: gracefully, after the running batch commits; on its own thread, as that may take a while. */
    private static void stop(StreamingQuery query) {
        Thread t = new Thread(() -> {
            LOG.info("Stopping query {} from the status page", query.name());
            query.stop();
        }, "sluice-ui-stop-" + query.name());
        t.setDaemon(true);
        t.start();
    }

    private static long after(HttpExchange exchange) {
        String q = exchange.getRequestURI().getQuery();
        if (q != null) {
            for (String param : q.split("&")) {
                if (param.startsWith("after=")) {
                    try {
                        return Long.parseLong(param.substring(6));
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("Invalid 'after' batch id: " + param.substring(6), e);
                    }
                }
            }
        }
        return -1;
    }

    private void resource(HttpExchange exchange, String name) throws IOException {
        try (InputStream in = StatusServer.class.getResourceAsStream(name)) {
            if (in == null) {
                sendText(exchange, 404, "Not found: " + exchange.getRequestURI().getPath());
                return;
            }
            String extension = name.substring(name.lastIndexOf('.') + 1);
            byte[] body = in.readAllBytes();
            exchange.getResponseHeaders().set("Content-Type", TYPES.getOrDefault(extension, "application/octet-stream"));
            exchange.getResponseHeaders().set("Cache-Control", "no-cache");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        }
    }

    private static void sendJson(HttpExchange exchange, int status, Object value) throws IOException {
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        send(exchange, status, "application/json; charset=utf-8", QueryJson.write(value));
    }

    private static void sendText(HttpExchange exchange, int status, String text) throws IOException {
        send(exchange, status, "text/plain; charset=utf-8", text);
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** The version of a WebJar on the class path, from its Maven properties. */
    private static String webJarVersion(String artifact) {
        String name = "/META-INF/maven/org.webjars.npm/" + artifact + "/pom.properties";
        try (InputStream in = StatusServer.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("The WebJar " + artifact + " is not on the class path (" + name + ")");
            }
            Properties p = new Properties();
            p.load(in);
            return requireNonNull(p.getProperty("version"), "no version in " + name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops serving (at most a second for requests in flight) and stops listening to the session. */
    @Override
    public void close() {
        session.removeListener(queries);
        session.removeListener(metrics);
        server.stop(0);
        handlers.shutdownNow();
        gcMetrics.close();
        registry.close();
        LOG.debug("Status page on port {} stopped", port());
    }
}
