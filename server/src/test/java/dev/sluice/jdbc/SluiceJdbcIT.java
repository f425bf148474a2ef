package dev.sluice.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.api.Sluice;
import dev.sluice.connectors.testing.SharedKafkaBroker;
import dev.sluice.jdbc.server.SluiceServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver used exactly as a third-party JDBC tool uses it: {@link DriverManager}, plain statements and
 * metadata calls; in-process ({@code jdbc:sluice:embedded}) and against a real {@link SluiceServer}
 * ({@code jdbc:sluice://localhost:port}), over the real broker.
 */
@org.junit.jupiter.api.Timeout(90)
class SluiceJdbcIT {
    private static final long BASE = 1_700_000_000_000L;  // 2023-11-14T22:13:20Z

    @TempDir
    Path home;

    private String topic;
    private Sluice serverSession;
    private SluiceServer server;

    @BeforeEach
    void produceClicks() {
        topic = SharedKafkaBroker.createTopic("jdbc", 1);
        click(1, "/a", 2.5, 0);
        click(2, "/b", 0.5, 1_000);
        click(3, "/a", 7.0, 2_000);
    }

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.close();
            serverSession.close();
        }
    }

    private void click(long user, String page, double amount, long t) {
        SharedKafkaBroker.produce(topic, 0, null, "{\"user_id\": " + user + ", \"page\": \"" + page
                + "\", \"amount\": " + amount + ", \"ts\": " + (BASE + t) + "}");
    }

    private Connection connect(String mode) throws SQLException {
        if (mode.equals("embedded")) {
            return DriverManager.getConnection("jdbc:sluice:embedded?home=" + home + "&bootstrap.servers="
                    + SharedKafkaBroker.bootstrapServers());
        }
        if (server == null) {
            serverSession = Sluice.builder().home(home).bootstrapServers(SharedKafkaBroker.bootstrapServers()).build();
            server = SluiceServer.start(serverSession, 0);
        }
        return DriverManager.getConnection("jdbc:sluice://localhost:" + server.port());
    }

    private void createClicks(Statement statement) throws SQLException {
        assertFalse(statement.execute("CREATE TABLE clicks (user_id BIGINT, page VARCHAR, amount DOUBLE, ts TIMESTAMP) "
                + "WITH ('connector'='kafka', 'topic'='" + topic + "', 'format'='json')"));
    }

    /** The SQLState says whose the error is: 42000 the user's, 58000 outside Sluice (Kafka), as the error's kind. */
    @ParameterizedTest
    @ValueSource(strings = {"embedded", "remote"})
    void theSqlStateFollowsTheErrorsKind(String mode) throws Exception {
        try (Connection connection = connect(mode); Statement statement = connection.createStatement()) {
            SQLException unknown = assertThrows(SQLException.class, () -> statement.executeQuery("SELECT * FROM nope"));
            assertEquals("42000", unknown.getSQLState(), unknown.toString());
            assertTrue(unknown.getMessage().contains("nope"), unknown.getMessage());
            SQLException badOption = assertThrows(SQLException.class, () -> statement.execute("SET failOnDataLoss = maybe"));
            assertEquals("42000", badOption.getSQLState());
            assertTrue(badOption.getMessage().contains("Invalid value 'maybe' for option 'failOnDataLoss'"),
                    badOption.getMessage());
            statement.execute("CREATE TABLE gone (a BIGINT) WITH ('connector'='kafka', 'topic'='no-such-topic-" + mode
                    + "', 'format'='json')");
            SQLException missing = assertThrows(SQLException.class, () -> statement.executeQuery("SELECT a FROM gone"));
            assertEquals("58000", missing.getSQLState(), missing.toString());
            assertTrue(missing.getMessage().contains("no-such-topic-" + mode), missing.getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"embedded", "remote"})
    void boundedSelectDdlAndMetadata(String mode) throws Exception {
        try (Connection connection = connect(mode); Statement statement = connection.createStatement()) {
            assertEquals("Sluice JDBC Driver", connection.getMetaData().getDriverName());
            createClicks(statement);
            try (ResultSet rs = statement.executeQuery(
                    "SELECT user_id, page, amount, ts FROM clicks WHERE amount > 1")) {
                ResultSetMetaData md = rs.getMetaData();
                assertEquals(4, md.getColumnCount());
                assertEquals(List.of("user_id", "page", "amount", "ts"),
                        List.of(md.getColumnLabel(1), md.getColumnLabel(2), md.getColumnLabel(3), md.getColumnLabel(4)));
                assertEquals(List.of(Types.BIGINT, Types.VARCHAR, Types.DOUBLE, Types.TIMESTAMP),
                        List.of(md.getColumnType(1), md.getColumnType(2), md.getColumnType(3), md.getColumnType(4)));
                List<String> rows = new ArrayList<>();
                while (rs.next()) {
                    rows.add(rs.getLong(1) + " " + rs.getString("page") + " " + rs.getDouble(3) + " "
                            + rs.getTimestamp(4).toLocalDateTime());
                }
                assertEquals(List.of("1 /a 2.5 2023-11-14T22:13:20", "3 /a 7.0 2023-11-14T22:13:22"), rows,
                        "one partition: rows in offset order");
            }

            DatabaseMetaData meta = connection.getMetaData();
            try (ResultSet tables = meta.getTables(null, null, "%", null)) {
                assertTrue(tables.next());
                assertEquals("clicks", tables.getString("TABLE_NAME"));
                assertEquals("TABLE", tables.getString("TABLE_TYPE"));
                assertFalse(tables.next());
            }
            try (ResultSet columns = meta.getColumns(null, null, "click_", "%")) {
                List<String> found = new ArrayList<>();
                while (columns.next()) {
                    found.add(columns.getString("COLUMN_NAME") + ":" + columns.getInt("DATA_TYPE") + ":"
                            + columns.getInt("ORDINAL_POSITION"));
                }
                assertEquals("user_id:" + Types.BIGINT + ":1", found.get(0));
                assertEquals("ts:" + Types.TIMESTAMP + ":4", found.get(3));
                assertTrue(found.size() > 4, "the Kafka metadata columns follow: " + found);
            }

            // What tools call on connect: type info, and empty answers for what Sluice does not have.
            try (ResultSet types = meta.getTypeInfo()) {
                List<String> names = new ArrayList<>();
                while (types.next()) {
                    names.add(types.getString("TYPE_NAME") + ":" + types.getInt("DATA_TYPE"));
                }
                assertEquals(List.of("BOOLEAN:" + Types.BOOLEAN, "INTEGER:" + Types.INTEGER, "BIGINT:" + Types.BIGINT,
                        "DOUBLE:" + Types.DOUBLE, "VARCHAR:" + Types.VARCHAR, "TIMESTAMP:" + Types.TIMESTAMP), names);
            }
            try (ResultSet keys = meta.getPrimaryKeys(null, null, "clicks")) {
                assertFalse(keys.next());
            }
            try (ResultSet procedures = meta.getProcedures(null, null, "%")) {
                assertFalse(procedures.next());
            }

            SQLException e = assertThrows(SQLException.class, () -> statement.executeQuery("SELECT pgae FROM clicks"));
            assertTrue(e.getMessage().contains("line 1, column 8") && e.getMessage().contains("pgae"), e.getMessage());
            e = assertThrows(SQLException.class, () -> statement.executeQuery("SELECT * FROM nowhere"));
            assertTrue(e.getMessage().contains("nowhere"), e.getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"embedded", "remote"})
    void insertSelectStreamSubmitsAContinuousQueryAndReturnsItsId(String mode) throws Exception {
        try (Connection connection = connect(mode); Statement statement = connection.createStatement()) {
            createClicks(statement);
            statement.execute("CREATE TABLE big (user_id BIGINT) WITH ('connector'='memory')");
            statement.execute("SET trigger = '200 ms'");
            String name;
            try (ResultSet rs = statement.executeQuery("INSERT INTO big SELECT STREAM user_id FROM clicks WHERE amount > 1")) {
                assertTrue(rs.next());
                assertEquals(36, rs.getString("query_id").length(), "a UUID");
                name = rs.getString("name");
                assertTrue(name.startsWith("insert_big_"), name);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            List<Long> users = List.of();
            while (users.size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(100);
                users = longs(statement, "SELECT user_id FROM big");
            }
            assertEquals(List.of(1L, 3L), users);
            try (ResultSet queries = statement.executeQuery("SHOW QUERIES")) {
                assertTrue(queries.next());
                assertEquals(name, queries.getString("name"));
            }
            statement.execute("STOP QUERY " + name);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"embedded", "remote"})
    void selectStreamStreamsRowsUntilTheStatementIsCancelled(String mode) throws Exception {
        try (Connection connection = connect(mode); Statement statement = connection.createStatement();
                Statement other = connection.createStatement()) {
            createClicks(statement);
            other.execute("SET trigger = '200 ms'");
            ResultSet rs = statement.executeQuery("SELECT STREAM user_id, ts FROM clicks");
            assertEquals(Types.TIMESTAMP, rs.getMetaData().getColumnType(2));
            List<Long> seen = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                assertTrue(rs.next());
                seen.add(rs.getLong(1));
            }
            // Rows produced after the query started arrive through the same ResultSet.
            click(4, "/c", 1.0, 3_000);
            assertTrue(rs.next());
            seen.add(rs.getLong(1));
            assertEquals(LocalDateTime.of(2023, 11, 14, 22, 13, 23), rs.getTimestamp(2).toLocalDateTime());
            assertEquals(List.of(1L, 2L, 3L, 4L), seen);

            // next() waits for more; cancel() from another thread ends the wait and the query.
            CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(() -> {
                try {
                    return rs.next();
                } catch (SQLException e) {
                    return false;
                }
            });
            Thread.sleep(500);
            assertFalse(waiting.isDone(), "next() waits for the next micro-batch");
            statement.cancel();
            assertFalse(waiting.get(30, TimeUnit.SECONDS));
            assertEquals(List.of(), longs(other, "SHOW QUERIES"), "the continuous query stopped");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"embedded", "remote"})
    void aQueryTimeoutEndsAStreamingSelect(String mode) throws Exception {
        try (Connection connection = connect(mode); Statement statement = connection.createStatement();
                Statement other = connection.createStatement()) {
            createClicks(statement);
            statement.setQueryTimeout(2);
            long start = System.nanoTime();
            int rows = 0;
            try (ResultSet rs = statement.executeQuery("SELECT STREAM user_id FROM clicks")) {
                while (rs.next()) {
                    rows++;
                }
            } catch (SQLException e) {
                assertTrue(e.getMessage().contains("cancel"), e.getMessage());
            }
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
            assertEquals(3, rows);
            assertTrue(seconds >= 1 && seconds < 20, seconds + " s");
            // The cancelled query stops on its own thread: give it a moment under a loaded machine.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!queryNames(other).isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertEquals(List.of(), queryNames(other), "the continuous query stopped");
            // The statement runs again, uncancelled, with its timeout.
            assertEquals(List.of(1L, 2L, 3L), longs(statement, "SELECT user_id FROM clicks"));
        }
    }

    private static List<String> queryNames(Statement statement) throws SQLException {
        List<String> names = new ArrayList<>();
        try (ResultSet rs = statement.executeQuery("SHOW QUERIES")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
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
}
