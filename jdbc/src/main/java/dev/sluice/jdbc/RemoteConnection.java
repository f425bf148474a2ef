package dev.sluice.jdbc;

import java.net.ConnectException;
import java.net.URLDecoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import javax.net.ssl.SSLException;
import org.apache.calcite.avatica.remote.AvaticaRuntimeException;

/**
 * Opens a {@code jdbc:sluice://host:port[;key=value...][?key=value&...]} connection: maps Sluice's URL and
 * properties onto Avatica's remote driver ({@code user}/{@code password} to HTTP BASIC's
 * {@code avatica_user}/{@code avatica_password}, {@code ssl=true} to an {@code https} URL; {@code truststore}
 * and {@code truststore_password} are Avatica's own), and turns the HTTP client's failures into
 * {@link SQLException}s that say what went wrong (SQLState 28000 for a refused login, 08001 for an
 * unreachable server, 08006 for a failed TLS handshake).
 */
final class RemoteConnection {
    /** URL parameter and property: {@code true} connects with HTTPS. */
    static final String SSL = "ssl";

    private RemoteConnection() {
    }

    /** @param rest the URL after {@code jdbc:sluice://} */
    static Connection connect(String rest, Properties properties) throws SQLException {
        int cut = indexOfAny(rest, "/;?");
        String address = rest.substring(0, cut);
        if (address.isEmpty()) {
            throw new SQLException("The URL jdbc:sluice://" + rest + " names no server: use jdbc:sluice://host:port",
                    "08001");
        }
        String parameters = rest.substring(cut).replaceFirst("^/[^;?]*", "");
        for (String pair : parameters.split("[;?&]")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                properties.setProperty(decode(pair.substring(0, eq)), decode(pair.substring(eq + 1)));
            }
        }
        boolean ssl = Boolean.parseBoolean(String.valueOf(properties.remove(SSL)));
        String user = properties.getProperty("user");
        Object password = properties.remove("password");
        if (password != null && password.toString().isEmpty() && (user == null || user.isEmpty())) {
            // JDBC tools (sqlline, DBeaver) send an empty user and password for a login-less connection.
            password = null;
            properties.remove("user");
            user = null;
        }
        if (password != null) {
            if (user == null || user.isBlank()) {
                throw new SQLException("A password was given without a user: set 'user' too", "28000");
            }
            properties.setProperty("authentication", "BASIC");
            properties.setProperty("avatica_user", user);
            properties.setProperty("avatica_password", password.toString());
        }
        properties.setProperty("url", (ssl ? "https://" : "http://") + address);
        properties.setProperty("serialization", "PROTOBUF");
        try {
            return RemoteDriver.INSTANCE.connect(SluiceDriver.PREFIX, properties);
        } catch (SQLException | RuntimeException e) {
            throw translate(e, address, ssl, user, password != null, properties.getProperty("truststore"));
        }
    }

    private static SQLException translate(Exception e, String address, boolean ssl, String user, boolean hasPassword,
                                          String truststore) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage());
            if (message.contains("HTTP/401")) {
                return new SQLException(hasPassword
                        ? "Authentication failed for user '" + user + "' at the Sluice server " + address
                                + ": wrong user name or password"
                        : "The Sluice server at " + address + " requires a user name and password: set 'user' and "
                                + "'password' in the URL (;user=...;password=...) or the connection properties",
                        "28000", e);
            }
            if (message.contains("HTTP/400") && !ssl) {
                return new SQLException("The Sluice server at " + address + " refused a plain HTTP request: it "
                        + "probably serves HTTPS only; connect with ssl=true", "08001", e);
            }
            if (message.contains("HTTP/403")) {
                return new SQLException("User '" + user + "' is not allowed to use the Sluice server at " + address,
                        "28000", e);
            }
            if (t instanceof SSLException) {
                return new SQLException("TLS handshake with the Sluice server at " + address + " failed: " + message
                        + (truststore != null ? " (is the server's certificate in the truststore " + truststore + "?)"
                                : " (set 'truststore' and 'truststore_password' to trust the server's certificate)"),
                        "08006", e);
            }
            if (t instanceof ConnectException || t instanceof UnknownHostException) {
                return new SQLException("Can't reach the Sluice server at " + address + ": " + message, "08001", e);
            }
            if (message.contains("NoHttpResponseException") || t.getClass().getSimpleName().equals("NoHttpResponseException")) {
                return new SQLException("The Sluice server at " + address + " did not answer over "
                        + (ssl ? "HTTPS" : "HTTP") + (ssl ? "" : " (does it use TLS? then connect with ssl=true)"),
                        "08001", e);
            }
            if (t instanceof AvaticaRuntimeException || t.getClass().getSimpleName().equals("AvaticaClientRuntimeException")) {
                return new SQLException(serverMessage(message), "08004", e);
            }
        }
        return e instanceof SQLException s ? s : new SQLException("Can't connect to the Sluice server at " + address
                + ": " + e.getMessage(), "08001", e);
    }

    /**
     * The server's own message out of Avatica's causal chain ({@code Remote driver error: SluiceException: why
     * -> SecurityException: why}).
     */
    static String serverMessage(String message) {
        String first = message.replaceFirst("^Remote driver error: ", "");
        int arrow = first.indexOf(" -> ");
        if (arrow > 0) {
            first = first.substring(0, arrow);
        }
        return first.replaceFirst("^[A-Za-z0-9_.$]*(Exception|Error): ", "");
    }

    private static int indexOfAny(String s, String chars) {
        for (int i = 0; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return s.length();
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
