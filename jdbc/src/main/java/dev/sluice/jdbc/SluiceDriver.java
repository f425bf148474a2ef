package dev.sluice.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import org.apache.calcite.avatica.AvaticaConnection;
import org.apache.calcite.avatica.DriverVersion;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.UnregisteredDriver;

/**
 * The Sluice JDBC driver for a {@code sluice server}, found by {@link java.sql.DriverManager} through
 * ServiceLoader: {@code jdbc:sluice://host:port;user=alice;password=...;ssl=true} talks to the server over HTTP
 * or HTTPS (Avatica's protocol, protobuf). {@code user}/{@code password} (in the URL or the connection
 * properties) authenticate with HTTP BASIC; {@code ssl=true} uses HTTPS, checking the server's certificate
 * against the JVM's trusted certificates or the {@code truststore} (+ {@code truststore_password}) given. Other
 * parameters are session options of the connection's session on the server.
 *
 * <p>This module holds no engine: its shaded jar ({@code sluice-jdbc-VERSION-driver.jar}, Avatica's client and
 * these classes) is the one file a JDBC tool needs. {@code jdbc:sluice:embedded}, which runs the engine in the
 * calling process, is served by {@code EmbeddedDriver} of the {@code sluice-server} artifact; without it on
 * the classpath this driver answers such a URL with an error saying so.
 *
 * <p>Built on Calcite's Avatica, the JDBC framework Calcite's own driver uses, so the JDBC surface (result sets,
 * metadata, types) is a well-tested one.
 */
public final class SluiceDriver extends UnregisteredDriver {
    /** The prefix of every Sluice JDBC URL. */
    public static final String PREFIX = "jdbc:sluice:";
    /** The prefix of the in-process URL, {@code jdbc:sluice:embedded[?key=value&...]}. */
    public static final String EMBEDDED = PREFIX + "embedded";
    /** The driver version both drivers report. */
    public static final DriverVersion VERSION = new DriverVersion("Sluice JDBC Driver", "0.1.0", "Sluice", "0.1.0",
            true, 0, 1, 0, 1);
    static final String REMOTE = PREFIX + "//";
    /** The in-process driver, in the sluice-server artifact. */
    private static final String EMBEDDED_DRIVER = "dev.sluice.jdbc.EmbeddedDriver";

    static {
        new SluiceDriver().register();
    }

    public SluiceDriver() {
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
        return VERSION;
    }

    /** Remote URLs; in-process ones only when the in-process driver is missing (to say so in {@link #connect}). */
    @Override
    public boolean acceptsURL(String url) {
        return url != null && (url.startsWith(REMOTE) || isEmbedded(url) && !embeddedDriverPresent());
    }

    @Override
    public Connection connect(String url, Properties info) throws SQLException {
        if (url != null && isEmbedded(url) && !embeddedDriverPresent()) {
            throw new SQLException("The URL " + url + " runs Sluice inside this process, which needs the full "
                    + "dependency dev.sluice:sluice-server (engine, connectors, Kafka client) on the classpath; this "
                    + "driver alone connects to a sluice server: jdbc:sluice://host:port", "08001");
        }
        if (!acceptsURL(url)) {
            return null;  // another driver's URL, as DriverManager expects
        }
        Properties properties = new Properties();
        if (info != null) {
            properties.putAll(info);
        }
        return RemoteConnection.connect(url.substring(REMOTE.length()), properties);
    }

    /** Never called: remote connections are made by {@link RemoteDriver}. */
    @Override
    public Meta createMeta(AvaticaConnection connection) {
        throw new UnsupportedOperationException("SluiceDriver opens no connection of its own");
    }

    /** {@code jdbc:sluice:embedded}, alone or followed by parameters. */
    public static boolean isEmbedded(String url) {
        return url.equals(EMBEDDED) || url.startsWith(EMBEDDED + "?") || url.startsWith(EMBEDDED + ";");
    }

    private static boolean embeddedDriverPresent() {
        try {
            Class.forName(EMBEDDED_DRIVER, false, SluiceDriver.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
