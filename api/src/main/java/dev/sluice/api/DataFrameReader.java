package dev.sluice.api;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.connector.TableDescriptor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a table or a topic into a {@link DataFrame}: {@link Sluice#readStream()} for a streaming one,
 * {@link Sluice#read()} for a bounded one (everything up to now). A builder, not thread-safe.
 *
 * <pre>{@code
 * DataFrame clicks = sluice.readStream().table("clicks");           // a table of the catalog
 * DataFrame orders = sluice.readStream()                             // a topic, without a catalog table
 *         .schema("id BIGINT, amount DOUBLE, ts TIMESTAMP, WATERMARK FOR ts AS ts - INTERVAL '5' SECOND")
 *         .option("format", "json")
 *         .kafka("orders");
 * }</pre>
 */
public final class DataFrameReader {
    private final QueryLauncher launcher;
    private final boolean streaming;
    private String format = "kafka";
    private String schema;
    private final Map<String, String> options = new LinkedHashMap<>();

    DataFrameReader(QueryLauncher launcher, boolean streaming) {
        this.launcher = requireNonNull(launcher, "launcher is null");
        this.streaming = streaming;
    }

    /** The table of the catalog called {@code name}. */
    public DataFrame table(String name) {
        String table;
        try {
            table = launcher.catalogTable(name).name();
        } catch (RuntimeException e) {
            throw Errors.toSluiceException(e);
        }
        return new DataFrame(launcher, b -> b.scan(table), List.of(), streaming, Optional.empty());
    }

    /** The connector to read with, as in CREATE TABLE's {@code 'connector'} option (default {@code kafka}). */
    public DataFrameReader format(String connector) {
        this.format = requireNonNull(connector, "connector is null");
        return this;
    }

    /**
     * The columns, written as in CREATE TABLE: {@code "user_id BIGINT, page VARCHAR, ts TIMESTAMP"}, optionally
     * followed by a {@code WATERMARK FOR ...} clause.
     */
    public DataFrameReader schema(String columns) {
        this.schema = requireNonNull(columns, "columns is null");
        return this;
    }

    /** A connector option, as in CREATE TABLE's WITH clause ({@code 'format'='json'}, {@code 'scan.startup.mode'}...). */
    public DataFrameReader option(String key, String value) {
        options.put(requireNonNull(key, "key is null"), requireNonNull(value, "value is null"));
        return this;
    }

    public DataFrameReader options(Map<String, String> more) {
        more.forEach(this::option);
        return this;
    }

    /** The Kafka topic {@code topic} (format {@code json} unless set), with the {@link #schema} given. */
    public DataFrame kafka(String topic) {
        format("kafka");
        option("topic", topic);
        options.putIfAbsent("format", "json");
        return load();
    }

    /** Reads with the format, schema and options given, under a temporary table named after the topic or path. */
    public DataFrame load() {
        if (schema == null) {
            throw new SluiceException("Reading with format '" + format + "' needs the columns: call schema(\"...\")");
        }
        String name = Optional.ofNullable(options.get("topic")).or(() -> Optional.ofNullable(options.get("path")))
                .map(n -> n.replaceAll("[^A-Za-z0-9_]", "_")).orElse(format);
        StringBuilder ddl = new StringBuilder("CREATE TABLE ").append(quoteIdentifier(name)).append(" (")
                .append(schema).append(") WITH ('connector' = ").append(quoteString(format));
        options.forEach((k, v) -> ddl.append(", ").append(quoteString(k)).append(" = ").append(quoteString(v)));
        ddl.append(')');
        TableDescriptor table;
        try {
            table = launcher.temporaryTable(ddl.toString());
        } catch (RuntimeException e) {
            throw Errors.toSluiceException(e);
        }
        return new DataFrame(launcher, b -> b.scan(table.name()), List.of(table), streaming, Optional.empty());
    }

    private static String quoteIdentifier(String s) {
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    private static String quoteString(String s) {
        return '\'' + s.replace("'", "''") + '\'';
    }
}
