package dev.sluice.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.connectors.testing.SharedKafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stream-to-static joins: a Kafka stream enriched with a static table read whole each micro-batch. */
class JoinIT extends KafkaSessionFixture {
    @TempDir
    Path out;

    private String clicksTopic;
    private String usersTopic;

    @BeforeEach
    void createTables() {
        clicksTopic = SharedKafkaBroker.createTopic("joinclicks", 2);
        usersTopic = SharedKafkaBroker.createTopic("joinusers", 1);
        message("CREATE TABLE clicks (user_id BIGINT, page VARCHAR, amount DOUBLE) WITH ('connector'='kafka', "
                + "'topic'='" + clicksTopic + "', 'format'='json')");
        message("CREATE TABLE users (id BIGINT, country VARCHAR) WITH ('connector'='kafka', 'topic'='" + usersTopic
                + "', 'format'='json', 'static'='true')");
        message("SET trigger = available-now");
        user(1, "KR");
        user(2, "US");
        click(1, "/a", 10.0);
        click(2, "/b", 5.0);
        click(9, "/c", 1.0);  // no such user
    }

    private void user(long id, String country) {
        SharedKafkaBroker.produce(usersTopic, 0, null, "{\"id\": " + id + ", \"country\": \"" + country + "\"}");
    }

    private int clicks;

    private void click(long user, String page, double amount) {
        SharedKafkaBroker.produce(clicksTopic, clicks++ % 2, null, "{\"user_id\": " + user + ", \"page\": \"" + page
                + "\", \"amount\": " + amount + "}");
    }


    private static final String ENRICH = "INSERT INTO enriched SELECT STREAM c.user_id, c.page, u.country "
            + "FROM clicks c JOIN users u ON c.user_id = u.id";

    @Test
    void eachNewClickMeetsTheUsersKnownWhenItsBatchRan() throws Exception {
        message("CREATE TABLE enriched (user_id BIGINT, page VARCHAR, country VARCHAR) WITH ('connector'='memory')");
        assertTrue(runNamed("enrich", ENRICH).exception().isEmpty());
        assertEquals(List.of(row(1L, "/a", "KR"), row(2L, "/b", "US")), SqlQueryIT.sorted(rows("SELECT * FROM enriched")));

        // A new user and new clicks: only the new clicks are joined, with the users as they are now.
        user(3, "JP");
        click(3, "/d", 2.0);
        click(1, "/e", 3.0);
        StreamingQuery second = runNamed("enrich", ENRICH);
        assertEquals(1, second.lastProgress().orElseThrow().batchId());
        assertEquals(2, second.lastProgress().orElseThrow().inputRows(), "the static table is not stream input");
        assertEquals(List.of(row(1L, "/a", "KR"), row(1L, "/e", "KR"), row(2L, "/b", "US"), row(3L, "/d", "JP")),
                SqlQueryIT.sorted(rows("SELECT * FROM enriched")));

        // The bounded twin over the same offsets gives the same rows.
        assertEquals(SqlQueryIT.sorted(rows("SELECT * FROM enriched")), SqlQueryIT.sorted(rows(
                "SELECT c.user_id, c.page, u.country FROM clicks c JOIN users u ON c.user_id = u.id")));
        assertTrue(message("EXPLAIN " + ENRICH).contains("LookupJoin(type=inner, keys=[user_id = id]"),
                message("EXPLAIN " + ENRICH));
    }

    @Test
    void leftJoinKeepsClicksOfUnknownUsersAndAStaticLeftSideWorksForInnerJoins() throws Exception {
        List<List<Object>> seen = new ArrayList<>();
        StreamingQuery q = ((StatementResult.Query) sluice.execute("SELECT STREAM c.page, u.country FROM clicks c "
                + "LEFT JOIN users u ON c.user_id = u.id", b -> seen.addAll(b.rows()))).query();
        assertTrue(q.awaitTermination(Duration.ofSeconds(60)));
        assertEquals(List.of(row("/a", "KR"), row("/b", "US"), row("/c", null)), SqlQueryIT.sorted(seen));

        List<List<Object>> swapped = new ArrayList<>();
        q = ((StatementResult.Query) sluice.execute("SELECT STREAM u.country, c.page FROM users u JOIN clicks c "
                + "ON u.id = c.user_id WHERE c.amount > 2", b -> swapped.addAll(b.rows()))).query();
        assertTrue(q.awaitTermination(Duration.ofSeconds(60)));
        assertEquals(List.of(row("KR", "/a"), row("US", "/b")), SqlQueryIT.sorted(swapped));
    }

    @Test
    void aggregateOverAJoinEqualsTheBoundedQuery() throws Exception {
        message("CREATE TABLE per_country (country VARCHAR, total DOUBLE) WITH ('connector'='memory')");
        message("SET outputMode = complete");
        String query = "SELECT u.country, SUM(c.amount) FROM clicks c JOIN users u ON c.user_id = u.id "
                + "GROUP BY u.country";
        runNamed("per_country", "INSERT INTO per_country " + query.replace("SELECT", "SELECT STREAM"));
        click(2, "/f", 7.0);
        StreamingQuery second = runNamed("per_country", "INSERT INTO per_country " + query.replace("SELECT", "SELECT STREAM"));
        assertTrue(second.exception().isEmpty());
        List<List<Object>> all = rows("SELECT * FROM per_country");
        assertEquals(List.of(row("KR", 10.0), row("US", 12.0)), SqlQueryIT.sorted(all.subList(all.size() - 2, all.size())));
        assertEquals(List.of(row("KR", 10.0), row("US", 12.0)), SqlQueryIT.sorted(rows(query)));
    }

    @Test
    void aReplayedBatchJoinsWithTheStaticRowsItLoggedNotNewerOnes() throws Exception {
        message("CREATE TABLE enriched (user_id BIGINT, page VARCHAR, country VARCHAR) WITH ("
                + "'connector'='fail-once-file', 'path'='" + out + "', 'format'='json', 'fail.batch'='1', "
                + "'fail.when'='before-sink')");
        assertTrue(runNamed("replay", ENRICH).exception().isEmpty());
        user(3, "JP");
        click(3, "/d", 2.0);
        StreamingQuery crashed = runNamed("replay", ENRICH);
        assertTrue(crashed.exception().orElseThrow().getMessage().contains("injected crash before"));

        // After the crash user 3 moves, and user 4 arrives: the re-run of batch 1 must not see either.
        user(3, "FR");
        user(4, "DE");
        click(4, "/g", 1.0);
        StreamingQuery restarted = runNamed("replay", ENRICH);
        assertTrue(restarted.exception().isEmpty(), () -> restarted.exception().get().getMessage());
        List<String> lines = new ArrayList<>(FileSinkContents.committedLines(out.toString()));
        lines.sort(null);
        assertEquals(List.of(
                "{\"user_id\":1,\"page\":\"/a\",\"country\":\"KR\"}",
                "{\"user_id\":2,\"page\":\"/b\",\"country\":\"US\"}",
                "{\"user_id\":3,\"page\":\"/d\",\"country\":\"JP\"}",
                "{\"user_id\":4,\"page\":\"/g\",\"country\":\"DE\"}"), lines);
    }

    @Test
    void aStaticTableCanBeLoadedFromCsvOrJsonFiles() throws Exception {
        Path csv = out.resolve("users-csv");
        java.nio.file.Files.createDirectories(csv);
        java.nio.file.Files.writeString(csv.resolve("part-1.csv"), "id,country\n1,KR\n2,\"U,S\"\n\n");
        message("CREATE TABLE users_csv (id BIGINT, country VARCHAR) WITH ('connector'='filesystem', 'path'='" + csv
                + "', 'format'='csv', 'csv.header'='true', 'static'='true')");
        assertEquals(List.of(row(1L, "KR"), row(2L, "U,S")), rows("SELECT * FROM users_csv"));
        List<List<Object>> seen = new ArrayList<>();
        StreamingQuery q = ((StatementResult.Query) sluice.execute("SELECT STREAM c.page, u.country FROM clicks c "
                + "JOIN users_csv u ON c.user_id = u.id", b -> seen.addAll(b.rows()))).query();
        assertTrue(q.awaitTermination(Duration.ofSeconds(60)));
        assertEquals(List.of(row("/a", "KR"), row("/b", "U,S")), SqlQueryIT.sorted(seen));

        Path json = out.resolve("users-json");
        java.nio.file.Files.createDirectories(json);
        java.nio.file.Files.writeString(json.resolve("a.json"), "{\"id\": 1, \"country\": \"KR\"}\n");
        java.nio.file.Files.writeString(json.resolve("b.json"), "{\"id\": 2, \"country\": \"US\"}\n{\"id\": \"x\"}\n");
        message("CREATE TABLE users_json (id BIGINT, country VARCHAR) WITH ('connector'='filesystem', 'path'='" + json
                + "', 'format'='json', 'static'='true')");
        SluiceException e = assertThrows(SluiceException.class, () -> rows("SELECT * FROM users_json"));
        assertTrue(e.getMessage().contains("users_json") && e.getMessage().contains("b.json")
                && e.getMessage().contains("b.json line 2)"), e.getMessage());
        java.nio.file.Files.writeString(json.resolve("b.json"), "{\"id\": 2, \"country\": \"US\"}\n");
        assertEquals(List.of(row(1L, "KR"), row(2L, "US")), rows("SELECT * FROM users_json"));
    }

    @Test
    void joinsThatCanNotRunSaySo() {
        message("CREATE TABLE orders (user_id BIGINT, amount DOUBLE) WITH ('connector'='kafka', 'topic'='"
                + clicksTopic + "', 'format'='json')");
        SluiceException e = assertThrows(SluiceException.class, () -> sluice.execute("SELECT STREAM c.page FROM clicks c "
                + "JOIN orders o ON c.user_id = o.user_id", b -> { }));
        assertTrue(e.getMessage().contains("A join of two streams ([clicks] and [orders]) needs a bound")
                && e.getMessage().contains("'static'='true'"), e.getMessage());
        e = assertThrows(SluiceException.class, () -> sluice.execute("SELECT STREAM c.page FROM users u "
                + "LEFT JOIN clicks c ON c.user_id = u.id", b -> { }));
        assertTrue(e.getMessage().contains("A LEFT OUTER JOIN of the stream [clicks] with the static table [users] is not "
                + "supported yet"), e.getMessage());
        e = assertThrows(SluiceException.class, () -> sluice.execute("SELECT STREAM c.page FROM clicks c "
                + "JOIN users u ON c.user_id > u.id", b -> { }));
        assertTrue(e.getMessage().contains("at least one equality"), e.getMessage());
    }
}
