package dev.sluice.jdbc;

import dev.sluice.api.Sluice;
import dev.sluice.jdbc.meta.SluiceMeta;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import org.apache.calcite.avatica.AvaticaConnection;
import org.apache.calcite.avatica.DriverVersion;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.UnregisteredDriver;

/**
 * The Sluice JDBC driver, found by {@link java.sql.DriverManager} through ServiceLoader. Two URL forms:
 * <ul>
 *   <li>{@code jdbc:sluice:embedded?home=/path&bootstrap.servers=host:9092} runs the engine in this process:
 *   each connection is a Sluice session on that home (default {@code ~/.sluice}); every other parameter,
 *   and every connection property, is a session option ({@code trigger}, {@code outputMode}...).</li>
 *   <li>{@code jdbc:sluice://host:port} talks to a {@code sluice server} over HTTP (Avatica's protocol,
 *   protobuf).</li>
 * </ul>
 * Built on Calcite's Avatica, the JDBC framework Calcite's own driver uses, so the JDBC surface (result sets,
 * metadata, types) is a well-tested one.
 */
public final class SluiceDriver extends UnregisteredDriver {
    /** The prefix of every Sluice JDBC URL. */
    public static final String PREFIX = "jdbc:sluice:";
    static final String EMBEDDED = PREFIX + "embedded";
    static final DriverVersion VERSION = new DriverVersion("Sluice JDBC Driver", "0.1.0", "Sluice", "0.1.0", true,
            0, 1, 0, 1);
    static final String REMOTE = PREFIX + "//";
    /** Connection property marking an in-process connection (set by the driver, not by users). */
    static final String EMBEDDED_PROPERTY = "sluice.embedded";

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

    @Override
    public boolean acceptsURL(String url) {
        // The bare prefix is what connect() hands to Avatica for an in-process connection.
        return url != null && (url.equals(PREFIX) || url.equals(EMBEDDED) || url.startsWith(EMBEDDED + "?") || url.startsWith(EMBEDDED + ";")
                || url.startsWith(REMOTE));
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
        if (url.startsWith(REMOTE)) {
            String address = url.substring(REMOTE.length());
            int end = address.indexOf('/') >= 0 ? address.indexOf('/') : address.length();
            properties.setProperty("url", "http://" + address.substring(0, end));
            properties.setProperty("serialization", "PROTOBUF");
            return RemoteDriver.INSTANCE.connect(PREFIX, properties);
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

    /** An in-process connection gets its own session, closed with the connection. */
    @Override
    public Meta createMeta(AvaticaConnection connection) {
        Properties properties = ((SluiceConnection) connection).properties();
        Sluice.Builder session = Sluice.builder();
        for (String key : properties.stringPropertyNames()) {
            String value = properties.getProperty(key);
            switch (key) {
                case "home" -> session.home(Path.of(value));
                case EMBEDDED_PROPERTY, "user", "password" -> { }
                default -> session.option(key, value);
            }
        }
        return new SluiceMeta(connection, session.build(), true);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
