package dev.sluice.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** In-process connections to one home: a session each, one catalog between them. */
class EmbeddedSessionsTest {
    @TempDir
    Path home;

    @Test
    void connectionsToOneHomeHaveTheirOwnOptionsAndShareTheCatalog() throws Exception {
        String url = "jdbc:sluice:embedded?home=" + home;
        try (Connection a = DriverManager.getConnection(url); Connection b = DriverManager.getConnection(url);
                Statement sa = a.createStatement(); Statement sb = b.createStatement()) {
            sa.execute("SET trigger = '5 s'");
            sb.execute("SET trigger = 'once'");
            assertEquals(List.of("trigger=5 s"), rows(sa, "SET"));
            assertEquals(List.of("trigger=once"), rows(sb, "SET"));
            // B was open before A created the table, and sees it at once.
            sa.execute("CREATE TABLE t (a BIGINT) WITH ('connector'='memory')");
            assertEquals(List.of("t=memory"), rows(sb, "SHOW TABLES"));
            sb.execute("DROP TABLE t");
            assertEquals(List.of(), rows(sa, "SHOW TABLES"));
        }
    }

    private static List<String> rows(Statement s, String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                rows.add(rs.getString(1) + "=" + rs.getString(2));
            }
        }
        return rows;
    }
}
