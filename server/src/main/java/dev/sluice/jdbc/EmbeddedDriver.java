package dev.sluice.jdbc;

import dev.sluice.api.AccessPolicy;
import dev.sluice.api.Identity;
import dev.sluice.api.Sluice;
import dev.sluice.jdbc.meta.SluiceMeta;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.calcite.avatica.AvaticaConnection;
import org.apache.calcite.avatica.DriverVersion;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.UnregisteredDriver;

/**
 * The in-process Sluice JDBC driver, found by {@link java.sql.DriverManager} through ServiceLoader:
 * {@code jdbc:sluice:embedded?home=/path&bootstrap.servers=host:9092} runs the engine in this process. Each
 * connection is a Sluice session on that home (default {@code ~/.sluice}); every other parameter, and every
 * connection property, is a session option ({@code trigger}, {@code outputMode}...).
 *
 * <p>In-process connections to the same home share one engine (its catalog and the queries into tables, which
 * run while any connection to the home is open); each connection is a session of its own. Remote URLs
 * ({@code jdbc:sluice://host:port}) are {@link SluiceDriver}'s, in the thin {@code sluice-jdbc} artifact.
 */
public final class EmbeddedDriver extends UnregisteredDriver {
    /** Connection property marking an in-process connection (set by the driver, not by users). */
    static final String EMBEDDED_PROPERTY = "sluice.embedded";
    private static final String PREFIX = SluiceDriver.PREFIX;
    private static final String EMBEDDED = SluiceDriver.EMBEDDED;

    /** The engines of the homes in-process connections are open on. */
    private static final Map<Path, SharedHome> HOMES = new HashMap<>();

    static {
        new EmbeddedDriver().register();
    }

    public EmbeddedDriver() {
        super();
    }

    @Override
    protected String getConnectStringPrefix() {
        return PREFIX;
    }

    @Override
    protected String getFactoryClassName(JdbcVersion jdbcVersion) {
        return SluiceJdbcFactory.class.getName();
    }

    @Override
    protected DriverVersion createDriverVersion() {
        return SluiceDriver.VERSION;
    }

    @Override
    public boolean acceptsURL(String url) {
        // The bare prefix is what connect() hands to Avatica for an in-process connection.
        return url != null && (url.equals(PREFIX) || SluiceDriver.isEmbedded(url));
    }

    @Override
    public Connection connect(String url, Properties info) throws SQLException {
        if (!acceptsURL(url)) {
            return null;  // another driver's URL, as DriverManager expects
        }
        Properties properties = new Properties();
        if (info != null) {
            properties.putAll(info);
        }
        String parameters = url.substring(EMBEDDED.length());
        for (String pair : parameters.replaceFirst("^[?;]", "").split("[&;]")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                properties.setProperty(decode(pair.substring(0, eq)), decode(pair.substring(eq + 1)));
            }
        }
        properties.setProperty(EMBEDDED_PROPERTY, "true");
        return super.connect(PREFIX, properties);
    }

    /**
     * An in-process connection gets its own session, closed with the connection, on the engine of its home
     * (opened by the first connection to it, closed with the last).
     */
    @Override
    public Meta createMeta(AvaticaConnection connection) {
        Properties properties = ((SluiceConnection) connection).properties();
        Path home = Sluice.Builder.defaultHome();
        Map<String, String> options = new LinkedHashMap<>();
        for (String key : properties.stringPropertyNames()) {
            String value = properties.getProperty(key);
            switch (key) {
                case "home" -> home = Path.of(value);
                case EMBEDDED_PROPERTY, "user", "password" -> { }
                default -> options.put(key, value);
            }
        }
        Path key = home.toAbsolutePath().normalize();
        Sluice engine;
        synchronized (HOMES) {
            engine = HOMES.computeIfAbsent(key, k -> new SharedHome(Sluice.builder().home(k).build())).acquire();
        }
        try {
            Sluice session = engine.newSession(Identity.local(), AccessPolicy.unrestricted(), options);
            return new SluiceMeta(connection, session, () -> release(key));
        } catch (RuntimeException e) {
            release(key);
            throw e;
        }
    }

    private static void release(Path home) {
        Sluice closing = null;
        synchronized (HOMES) {
            SharedHome shared = HOMES.get(home);
            if (shared != null && --shared.connections == 0) {
                HOMES.remove(home);
                closing = shared.engine;
            }
        }
        if (closing != null) {
            closing.close();  // outside the lock: stops the home's queries
        }
    }

    /** The engine of a home and how many in-process connections use it. Guarded by {@link #HOMES}. */
    private static final class SharedHome {
        final Sluice engine;
        int connections;

        SharedHome(Sluice engine) {
            this.engine = engine;
        }

        Sluice acquire() {
            connections++;
            return engine;
        }
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
