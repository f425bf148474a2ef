package dev.sluice.jdbc.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sluice.api.Sluice;
import dev.sluice.connectors.testing.SharedKafkaBroker;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server as a team would run it, through real JDBC connections to a real server on an ephemeral port:
 * sessions per connection, authentication, TLS (with a certificate made by the JDK's keytool here), the
 * allowed paths and brokers of remote sessions, who may stop whose query, and the loopback default.
 */
@Timeout(120)
class SluiceServerSecurityIT {
    private static final String ALICE_PASSWORD = "alice-secret";
    private static final String BOB_PASSWORD = "bob-secret";
    private static final String CAROL_PASSWORD = "carol-secret";

    @TempDir
    Path home;
    @TempDir
    Path outside;

    private Sluice engine;
    private SluiceServer server;
    private String topic;

    @BeforeEach
    void openEngine() {
        engine = Sluice.builder().home(home).bootstrapServers(SharedKafkaBroker.bootstrapServers()).build();
        topic = SharedKafkaBroker.createTopic("server", 1);
        for (int i = 1; i <= 3; i++) {
            SharedKafkaBroker.produce(topic, 0, null, "{\"user_id\": " + i + "}");
        }
    }

    @AfterEach
    void close() {
        if (server != null) {
            server.close();
        }
        engine.close();
    }

    private SluiceServer start(ServerOptions.Builder options) {
        server = SluiceServer.start(engine, options.port(0).build());
        return server;
    }

    private Connection connect(String parameters) throws SQLException {
        return DriverManager.getConnection("jdbc:sluice://127.0.0.1:" + server.port() + parameters);
    }

    // ---- Sessions per connection

    @Test
    void twoConnectionsWithDifferentSetsSeeTheirOwnAndShareTheCatalog() throws Exception {
        start(ServerOptions.builder());
        try (Connection a = connect(";user=ann"); Connection b = connect(";user=ben");
                Statement sa = a.createStatement(); Statement sb = b.createStatement()) {
            sa.execute("SET trigger = '5 s'");
            sa.execute("SET outputMode = 'complete'");
            sb.execute("SET trigger = 'once'");
            assertEquals("5 s", options(sa).get("trigger"));
            assertEquals("complete", options(sa).get("outputMode"));
            assertEquals("once", options(sb).get("trigger"));
            assertFalse(options(sb).containsKey("outputMode"), "A's SET is not B's: " + options(sb));
            sb.execute("RESET trigger");
            assertEquals("5 s", options(sa).get("trigger"), "B's RESET leaves A's option");
            // The server's defaults reach every session; the driver's own properties don't become options.
            assertEquals(SharedKafkaBroker.bootstrapServers(), options(sa).get("bootstrap.servers"));
            assertFalse(options(sa).containsKey("url") || options(sa).containsKey("user"), options(sa).toString());

            // The catalog is the server's: a table A creates is B's too, and persists.
            sa.execute("CREATE TABLE clicks (user_id BIGINT) WITH ('connector'='kafka', 'topic'='" + topic
                    + "', 'format'='json')");
            assertEquals(List.of(1L, 2L, 3L), longs(sb, "SELECT user_id FROM clicks"));
        }
        // Session options given as URL parameters.
        try (Connection c = connect(";trigger=2 s"); Statement sc = c.createStatement()) {
            assertEquals("2 s", options(sc).get("trigger"));
            assertEquals(List.of(1L, 2L, 3L), longs(sc, "SELECT user_id FROM clicks"));
        }
        assertTrue(Files.readString(home.resolve("catalog.json")).contains("clicks"));
    }

    @Test
    void aSelectStreamBelongsToItsConnectionAndAnInsertToTheServer() throws Exception {
        start(ServerOptions.builder());
        try (Connection a = connect(";user=ann"); Statement sa = a.createStatement()) {
            sa.execute("CREATE TABLE clicks (user_id BIGINT) WITH ('connector'='kafka', 'topic'='" + topic
                    + "', 'format'='json')");
            sa.execute("CREATE TABLE copy (user_id BIGINT) WITH ('connector'='memory')");
            sa.execute("SET trigger = '200 ms'");
            sa.execute("SET query.name = 'copier'");
            sa.execute("INSERT INTO copy SELECT STREAM user_id FROM clicks");
            Statement stream = a.createStatement();
            ResultSet rows = stream.executeQuery("SELECT STREAM user_id FROM clicks");
            assertTrue(rows.next());
            try (Connection b = connect(";user=ben"); Statement sb = b.createStatement()) {
                // B sees the server's query with its owner, not A's SELECT STREAM.
                assertEquals(List.of("copier ann"), queries(sb));
                assertEquals(2, queries(sa).size(), "A sees its own SELECT STREAM too: " + queries(sa));
            }
        }
        // A disconnected: its SELECT STREAM stopped, its INSERT INTO runs on.
        assertEquals(List.of("copier"), engine.activeQueries().stream().map(q -> q.name()).toList());
        try (Connection c = connect(""); Statement sc = c.createStatement()) {
            awaitRows(sc, "SELECT user_id FROM copy", List.of(1L, 2L, 3L));
        }
    }

    // ---- Authentication

    @Test
    void noPasswordOrAWrongPasswordIsRefusedWithAClearError() throws Exception {
        start(ServerOptions.builder().users(usersFile()));

        SQLException none = assertThrows(SQLException.class, () -> connect(""));
        assertEquals("28000", none.getSQLState());
        assertTrue(none.getMessage().contains("requires a user name and password"), none.getMessage());

        SQLException wrong = assertThrows(SQLException.class, () -> connect(";user=bob;password=nope"));
        assertEquals("28000", wrong.getSQLState());
        assertEquals("Authentication failed for user 'bob' at the Sluice server 127.0.0.1:" + server.port()
                + ": wrong user name or password", wrong.getMessage());

        SQLException unknown = assertThrows(SQLException.class, () -> connect(";user=mallory;password=" + BOB_PASSWORD));
        assertEquals("28000", unknown.getSQLState());

        // The right password, in the URL or in the properties.
        try (Connection c = connect(";user=bob;password=" + BOB_PASSWORD); Statement s = c.createStatement()) {
            assertEquals(List.of(), longs(s, "SHOW TABLES"));
        }
        Properties properties = new Properties();
        properties.setProperty("user", "alice");
        properties.setProperty("password", ALICE_PASSWORD);
        try (Connection c = DriverManager.getConnection("jdbc:sluice://127.0.0.1:" + server.port(), properties);
                Statement s = c.createStatement()) {
            s.execute("SET trigger = '1 s'");
        }

        // Independently of the driver: a plain HTTP request without credentials gets 401.
        HttpURLConnection http = (HttpURLConnection) URI.create("http://127.0.0.1:" + server.port() + "/").toURL()
                .openConnection();
        http.setRequestMethod("POST");
        assertEquals(401, http.getResponseCode());
        http.disconnect();
        HttpURLConnection withWrong = (HttpURLConnection) URI.create("http://127.0.0.1:" + server.port() + "/").toURL()
                .openConnection();
        withWrong.setRequestProperty("Authorization", "Basic "
                + Base64.getEncoder().encodeToString(("alice:" + BOB_PASSWORD).getBytes(UTF_8)));
        withWrong.setRequestMethod("POST");
        assertEquals(401, withWrong.getResponseCode());
        withWrong.disconnect();
    }

    @Test
    void aUsersFileWithAPlainTextPasswordIsRefusedAtStart() throws Exception {
        Path users = home.resolve("plain.properties");
        Files.writeString(users, "eve: secret, admin\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> start(ServerOptions.builder().users(users)));
        assertTrue(e.getMessage().contains("User 'eve'") && e.getMessage().contains("plain-text"), e.getMessage());
    }

    // ---- TLS

    @Test
    void tlsWorksWithTheRightTruststoreAndFailsWithTheWrongOne() throws Exception {
        Path keystore = outside.resolve("server.p12");
        keytool("-genkeypair", "-alias", "sluice", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass", "serverpw", "-keypass", "serverpw");
        Path certificate = outside.resolve("server.pem");
        keytool("-exportcert", "-rfc", "-alias", "sluice", "-keystore", keystore.toString(), "-storepass", "serverpw",
                "-file", certificate.toString());
        Path truststore = outside.resolve("trust.p12");
        keytool("-importcert", "-noprompt", "-alias", "sluice", "-file", certificate.toString(), "-storetype", "PKCS12",
                "-keystore", truststore.toString(), "-storepass", "trustpw");
        // Another self-signed certificate: a truststore that does not trust the server's.
        Path otherKeys = outside.resolve("other.p12");
        keytool("-genkeypair", "-alias", "other", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=localhost", "-storetype", "PKCS12", "-keystore", otherKeys.toString(),
                "-storepass", "otherpw", "-keypass", "otherpw");
        Path otherCertificate = outside.resolve("other.pem");
        keytool("-exportcert", "-rfc", "-alias", "other", "-keystore", otherKeys.toString(), "-storepass", "otherpw",
                "-file", otherCertificate.toString());
        Path wrongTruststore = outside.resolve("wrong.p12");
        keytool("-importcert", "-noprompt", "-alias", "other", "-file", otherCertificate.toString(), "-storetype",
                "PKCS12", "-keystore", wrongTruststore.toString(), "-storepass", "trustpw");

        start(ServerOptions.builder().tls(keystore, "serverpw").users(usersFile()));
        String auth = ";user=bob;password=" + BOB_PASSWORD;

        try (Connection c = connect(";ssl=true;truststore=" + truststore + ";truststore_password=trustpw" + auth);
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE clicks (user_id BIGINT) WITH ('connector'='kafka', 'topic'='" + topic
                    + "', 'format'='json')");
            assertEquals(List.of(1L, 2L, 3L), longs(s, "SELECT user_id FROM clicks"));
        }

        SQLException wrong = assertThrows(SQLException.class,
                () -> connect(";ssl=true;truststore=" + wrongTruststore + ";truststore_password=trustpw" + auth));
        assertEquals("08006", wrong.getSQLState());
        assertTrue(wrong.getMessage().startsWith("TLS handshake with the Sluice server at 127.0.0.1:" + server.port()
                + " failed") && wrong.getMessage().contains(wrongTruststore.toString()), wrong.getMessage());

        // Plain HTTP to the HTTPS port does not get through either, and says why.
        SQLException plain = assertThrows(SQLException.class, () -> connect(auth));
        assertTrue(plain.getMessage().contains("ssl=true"), plain.getMessage());
    }

    // ---- The server's files

    @Test
    void aFilesystemTableOutsideTheAllowedPathsIsRefused() throws Exception {
        Path secret = outside.resolve("secrets");
        Files.createDirectories(secret);
        Files.writeString(secret.resolve("passwords.csv"), "root,hunter2\n");
        start(ServerOptions.builder());
        try (Connection c = connect(""); Statement s = c.createStatement()) {
            String create = "CREATE TABLE loot (a VARCHAR, b VARCHAR) WITH ('connector'='filesystem', 'path'='" + secret
                    + "', 'format'='csv')";
            SQLException e = assertThrows(SQLException.class, () -> s.execute(create));
            assertEquals("Error while executing SQL \"" + create + "\": Table 'loot' option 'path': path '" + secret
                    + "' (" + secret.toRealPath() + ") is outside the directories this server allows remote sessions to "
                    + "use [" + home.toRealPath() + "] (see the server's --allowed-paths)", e.getMessage());
            assertFalse(e.getMessage().contains("hunter2"));
            // Nor by climbing out of the home, nor as a file: URI.
            e = assertThrows(SQLException.class, () -> s.execute("CREATE TABLE loot (a VARCHAR, b VARCHAR) WITH ("
                    + "'connector'='filesystem', 'path'='" + home + "/data/../../" + outside.getFileName() + "/secrets"
                    + "', 'format'='csv')"));
            assertTrue(e.getMessage().contains("outside"), e.getMessage());
            e = assertThrows(SQLException.class, () -> s.execute("CREATE TABLE loot (a VARCHAR, b VARCHAR) WITH ("
                    + "'connector'='filesystem', 'path'='" + secret.toUri() + "', 'format'='csv')"));
            assertTrue(e.getMessage().contains("outside"), e.getMessage());
            // The home itself holds the server's catalog.
            e = assertThrows(SQLException.class, () -> s.execute("CREATE TABLE cat (a VARCHAR) WITH ("
                    + "'connector'='filesystem', 'path'='" + home + "', 'format'='csv')"));
            assertTrue(e.getMessage().contains("catalog.json"), e.getMessage());
            // Nor a checkpoint root outside.
            e = assertThrows(SQLException.class, () -> s.execute("SET checkpoint.root = '" + outside.toUri() + "'"));
            assertTrue(e.getMessage().contains("checkpoint.root") && e.getMessage().contains("outside"), e.getMessage());
            assertEquals(List.of(), longs(s, "SHOW TABLES"), "nothing was created");

            // A directory under the home is fine: written and read back.
            Path data = home.resolve("data").resolve("kept");
            s.execute("CREATE TABLE kept (user_id BIGINT) WITH ('connector'='filesystem', 'path'='" + data
                    + "', 'format'='json')");
            s.execute("CREATE TABLE clicks (user_id BIGINT) WITH ('connector'='kafka', 'topic'='" + topic
                    + "', 'format'='json')");
            s.execute("SET trigger = 'available-now'");
            s.execute("INSERT INTO kept SELECT STREAM user_id FROM clicks");
            awaitRows(s, "SELECT user_id FROM kept", List.of(1L, 2L, 3L));
        }
        // Nor as a session option in the URL: the connection is refused, saying why.
        SQLException e = assertThrows(SQLException.class, () -> connect(";checkpoint.root=" + outside));
        assertTrue(e.getMessage().startsWith("Session option 'checkpoint.root': path '" + outside + "'")
                && e.getMessage().contains("outside"), e.getMessage());

        // A table the server's operator made (full access) can't be read through a remote session either.
        engine.execute("CREATE TABLE loot (a VARCHAR, b VARCHAR) WITH ('connector'='filesystem', 'path'='" + secret
                + "', 'format'='csv')");
        assertEquals("hunter2", ((dev.sluice.api.StatementResult.Rows) engine.execute("SELECT b FROM loot")).rows()
                .get(0).get(0), "the operator's own session has full access");
        try (Connection c = connect(""); Statement s = c.createStatement()) {
            e = assertThrows(SQLException.class, () -> s.executeQuery("SELECT * FROM loot"));
            assertTrue(e.getMessage().contains("Table 'loot'") && e.getMessage().contains("outside"), e.getMessage());
        }
        // The embedded driver keeps full access.
        try (Connection c = DriverManager.getConnection("jdbc:sluice:embedded?home=" + outside.resolve("embedded"));
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE loot (a VARCHAR, b VARCHAR) WITH ('connector'='filesystem', 'path'='" + secret
                    + "', 'format'='csv')");
            try (ResultSet rs = s.executeQuery("SELECT b FROM loot")) {
                assertTrue(rs.next());
                assertEquals("hunter2", rs.getString(1));
            }
        }
    }

    @Test
    void otherAllowedPathsAndBrokersAreConfigurable() throws Exception {
        Path shared = outside.resolve("shared");
        start(ServerOptions.builder().allowedPaths(List.of(shared.toString()))
                .allowedBrokers(List.of(SharedKafkaBroker.bootstrapServers())));
        try (Connection c = connect(""); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (a VARCHAR) WITH ('connector'='filesystem', 'path'='" + shared.resolve("t")
                    + "', 'format'='csv')");
            SQLException e = assertThrows(SQLException.class, () -> s.execute("CREATE TABLE u (a VARCHAR) WITH ("
                    + "'connector'='filesystem', 'path'='" + home.resolve("u") + "', 'format'='csv')"));
            assertTrue(e.getMessage().contains("outside"), e.getMessage());

            e = assertThrows(SQLException.class, () -> s.execute("CREATE TABLE evil (a VARCHAR) WITH ('connector'='kafka', "
                    + "'topic'='x', 'format'='json', 'bootstrap.servers'='evil.example.com:9092')"));
            assertTrue(e.getMessage().contains("evil.example.com:9092") && e.getMessage().contains("does not allow"),
                    e.getMessage());
            e = assertThrows(SQLException.class, () -> s.execute("SET bootstrap.servers = 'evil.example.com:9092'"));
            assertTrue(e.getMessage().contains("evil.example.com:9092"), e.getMessage());
            // Kafka client settings that name files are paths too.
            e = assertThrows(SQLException.class, () -> s.execute("CREATE TABLE tls (a VARCHAR) WITH ('connector'='kafka', "
                    + "'topic'='x', 'format'='json', 'properties.ssl.truststore.location'='/etc/passwd')"));
            assertTrue(e.getMessage().contains("properties.ssl.truststore.location"), e.getMessage());

            s.execute("CREATE TABLE clicks (user_id BIGINT) WITH ('connector'='kafka', 'topic'='" + topic
                    + "', 'format'='json', 'bootstrap.servers'='" + SharedKafkaBroker.bootstrapServers() + "')");
            assertEquals(List.of(1L, 2L, 3L), longs(s, "SELECT user_id FROM clicks"));
        }
    }

    // ---- Who may stop what

    @Test
    void stoppingAnotherUsersQueryNeedsTheAdminRole() throws Exception {
        start(ServerOptions.builder().users(usersFile()));
        String name;
        try (Connection bob = connect(";user=bob;password=" + BOB_PASSWORD); Statement s = bob.createStatement()) {
            s.execute("CREATE TABLE clicks (user_id BIGINT) WITH ('connector'='kafka', 'topic'='" + topic
                    + "', 'format'='json')");
            s.execute("CREATE TABLE copy (user_id BIGINT) WITH ('connector'='memory')");
            s.execute("SET trigger = '200 ms'");
            try (ResultSet rs = s.executeQuery("INSERT INTO copy SELECT STREAM user_id FROM clicks")) {
                assertTrue(rs.next());
                name = rs.getString("name");
            }
        }
        try (Connection carol = connect(";user=carol;password=" + CAROL_PASSWORD); Statement s = carol.createStatement()) {
            assertEquals(List.of(name + " bob"), queries(s), "listed with its owner");
            SQLException e = assertThrows(SQLException.class, () -> s.execute("STOP QUERY " + name));
            assertTrue(e.getMessage().contains("belongs to user 'bob'") && e.getMessage().contains("carol"),
                    e.getMessage());
            assertEquals(1, engine.activeQueries().size());
            assertTrue(engine.activeQueries().get(0).isActive(), "still running");
        }
        try (Connection alice = connect(";user=alice;password=" + ALICE_PASSWORD); Statement s = alice.createStatement()) {
            s.execute("STOP QUERY " + name);
            assertEquals(List.of(), queries(s));
        }
        assertEquals(List.of(), engine.activeQueries());
    }

    // ---- Abandoned connections

    @Test
    void theSessionOfAConnectionLeftOpenIsClosedAfterItsIdleTimeout() throws Exception {
        start(ServerOptions.builder().sessionIdleTimeout(java.time.Duration.ofSeconds(2)));
        Connection abandoned = connect("");
        Statement s = abandoned.createStatement();
        s.execute("CREATE TABLE clicks (user_id BIGINT) WITH ('connector'='kafka', 'topic'='" + topic
                + "', 'format'='json')");
        ResultSet rows = s.executeQuery("SELECT STREAM user_id FROM clicks");
        assertTrue(rows.next());
        assertEquals(1, engine.activeQueries().size());
        try (Connection active = connect(""); Statement other = active.createStatement()) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (server.openSessions() > 1 && System.nanoTime() < deadline) {
                Thread.sleep(200);
                other.executeQuery("SHOW TABLES").close();  // keeps this one alive
            }
            assertEquals(1, server.openSessions(), "the abandoned session was closed, the active one kept");
            assertEquals(List.of(), engine.activeQueries(), "the abandoned SELECT STREAM stopped");
        }
        Statement again = abandoned.createStatement();
        SQLException e = assertThrows(SQLException.class, () -> again.executeQuery("SHOW TABLES"));
        assertTrue(e.getMessage().contains("is not open on this server") && e.getMessage().contains("reconnect"),
                e.getMessage());
    }

    // ---- Where it listens

    @Test
    void itListensOnLoopbackOnlyUnlessToldOtherwise() throws Exception {
        Optional<InetAddress> external = externalAddress();
        assumeTrue(external.isPresent(), "this machine has no non-loopback IPv4 address");
        start(ServerOptions.builder());
        assertTrue(reachable(InetAddress.getLoopbackAddress(), server.port()));
        assertFalse(reachable(external.get(), server.port()), "not on " + external.get());
        server.close();

        server = SluiceServer.start(engine, ServerOptions.builder().host("0.0.0.0").port(0).build());
        assertTrue(reachable(external.get(), server.port()), "exposed on " + external.get());
        try (Connection c = DriverManager.getConnection("jdbc:sluice://" + external.get().getHostAddress() + ":"
                + server.port()); Statement s = c.createStatement()) {
            assertEquals(List.of(), longs(s, "SHOW TABLES"));
        }
    }

    // ---- Helpers

    private Path usersFile() throws IOException {
        Path users = home.resolve("users.properties");
        Files.writeString(users, "alice: " + PasswordHash.hash(ALICE_PASSWORD.toCharArray()) + ", admin\n"
                + "bob: " + PasswordHash.hash(BOB_PASSWORD.toCharArray()) + "\n"
                + "carol = " + PasswordHash.hash(CAROL_PASSWORD.toCharArray()) + "\n");
        return users;
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        Collections.addAll(command, args);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "keytool " + command + ": " + output);
    }

    private static Map<String, String> options(Statement s) throws SQLException {
        Map<String, String> options = new TreeMap<>();
        try (ResultSet rs = s.executeQuery("SET")) {
            while (rs.next()) {
                options.put(rs.getString(1), rs.getString(2));
            }
        }
        return options;
    }

    private static List<String> queries(Statement s) throws SQLException {
        List<String> queries = new ArrayList<>();
        try (ResultSet rs = s.executeQuery("SHOW QUERIES")) {
            while (rs.next()) {
                queries.add(rs.getString("name") + " " + rs.getString("owner"));
            }
        }
        return queries;
    }

    private static List<Long> longs(Statement statement, String sql) throws SQLException {
        List<Long> values = new ArrayList<>();
        try (ResultSet rs = statement.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getLong(1));
            }
        }
        return values;
    }

    private static void awaitRows(Statement s, String sql, List<Long> expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        List<Long> rows = longs(s, sql);
        while (!rows.equals(expected) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            rows = longs(s, sql).stream().sorted().toList();
        }
        assertEquals(expected, rows);
    }

    private static Optional<InetAddress> externalAddress() throws IOException {
        for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!ni.isUp() || ni.isLoopback()) {
                continue;
            }
            for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                if (a instanceof Inet4Address && !a.isLoopbackAddress()) {
                    return Optional.of(a);
                }
            }
        }
        return Optional.empty();
    }

    private static boolean reachable(InetAddress address, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), 2_000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
