package dev.sluice.bench.nexmark;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The Nexmark SQL of {@code bench/src/main/resources/nexmark}: the tables' DDL ({@code ddl.sql}, with
 * computed event-time columns; {@code ddl-fallback.sql}, for an engine without them) and the queries
 * {@code q0.sql} .. {@code q22.sql}, the Flink suite's queries adapted to flat topics (each file's header
 * says how). A query file holds zero or more setup statements (a view, a side-input table) and then the
 * query, a {@code SELECT}, each ending with {@code ;}.
 */
public final class NexmarkSql {
    /** q0 .. q22, the Flink suite's queries (its q23, a later addition, is left out). */
    public static final List<String> QUERIES = IntStream.rangeClosed(0, 22).mapToObj(i -> "q" + i).toList();

    private NexmarkSql() {
    }

    /** The statements of {@code name}.sql ({@code ddl}, {@code ddl-fallback}, {@code q5}...), placeholders filled. */
    public static List<String> statements(String name, Map<String, String> placeholders) {
        requireNonNull(name, "name is null");
        String text = resource(name + ".sql");
        for (Map.Entry<String, String> p : placeholders.entrySet()) {
            text = text.replace("${" + p.getKey() + "}", p.getValue());
        }
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : text.split("\n")) {
            if (line.strip().startsWith("--")) {
                continue;
            }
            current.append(line).append('\n');
            if (line.strip().endsWith(";")) {
                String statement = current.toString().strip();
                statements.add(statement.substring(0, statement.length() - 1).strip());
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            throw new IllegalStateException(name + ".sql: the last statement does not end with ';'");
        }
        return statements;
    }

    /** The placeholders of the DDL for {@code topics}. */
    public static Map<String, String> topicPlaceholders(NexmarkTopics topics) {
        return Map.of("PERSON_TOPIC", topics.person(), "AUCTION_TOPIC", topics.auction(), "BID_TOPIC", topics.bid());
    }

    /**
     * A query rewritten for the fallback DDL, where the event time is {@code "dateTime"} itself (a
     * TIMESTAMP) and the expiry {@code expires}: {@code event_time} and {@code expires_time} are renamed.
     */
    public static String fallback(String sql) {
        return sql.replace("expires_time", "expires").replace("event_time", "\"dateTime\"");
    }

    /** The query as a continuous one: its first {@code SELECT} made {@code SELECT STREAM}. */
    public static String continuous(String sql) {
        int at = sql.toUpperCase(java.util.Locale.ROOT).indexOf("SELECT");
        if (at < 0) {
            throw new IllegalArgumentException("not a query: " + sql);
        }
        return sql.substring(0, at) + "SELECT STREAM" + sql.substring(at + "SELECT".length());
    }

    private static String resource(String file) {
        try (InputStream in = NexmarkSql.class.getResourceAsStream("/nexmark/" + file)) {
            if (in == null) {
                throw new IllegalArgumentException("No Nexmark SQL file " + file);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Can't read nexmark/" + file, e);
        }
    }
}
