package dev.sluice.jdbc.server;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * How a {@link SluiceServer} listens and whom it lets do what. The defaults are the safe ones: loopback
 * only, and remote sessions limited to the Sluice home's sub-directories. Immutable; see {@link #builder()}.
 *
 * @param host the address to bind: {@code 127.0.0.1} (default) or e.g. {@code 0.0.0.0} for every interface
 * @param port the port; 0 for any free one
 * @param users the users file: HTTP BASIC authentication when present
 * @param tlsKeystore the keystore (PKCS12 or JKS) holding the server's key and certificate: HTTPS when present
 * @param tlsKeystorePassword its password
 * @param allowedPaths the directories (local paths or FileSystem URIs) remote sessions' tables and checkpoints
 *     may be in; empty: the Sluice home
 * @param allowedBrokers the Kafka brokers ({@code host:port}) remote sessions' tables may name; empty: any
 * @param sessionIdleTimeout how long a connection's session lives without a request (a client that went away
 *     without closing it)
 */
public record ServerOptions(String host, int port, Optional<Path> users, Optional<Path> tlsKeystore,
                            String tlsKeystorePassword, List<String> allowedPaths, Optional<List<String>> allowedBrokers,
                            Duration sessionIdleTimeout) {
    /** The default address: loopback only. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** The default session idle timeout. */
    public static final Duration DEFAULT_SESSION_IDLE_TIMEOUT = Duration.ofHours(1);

    public ServerOptions {
        requireNonNull(host, "host is null");
        requireNonNull(users, "users is null");
        requireNonNull(tlsKeystore, "tlsKeystore is null");
        requireNonNull(tlsKeystorePassword, "tlsKeystorePassword is null");
        allowedPaths = List.copyOf(allowedPaths);
        allowedBrokers = allowedBrokers.map(List::copyOf);
        requireNonNull(sessionIdleTimeout, "sessionIdleTimeout is null");
        if (sessionIdleTimeout.isNegative() || sessionIdleTimeout.isZero()) {
            throw new IllegalArgumentException("The session idle timeout must be positive: " + sessionIdleTimeout);
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("Invalid port " + port);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Whether the server is reachable from other machines (bound to an address other than loopback). */
    public boolean exposed() {
        return !(host.equals("127.0.0.1") || host.equals("localhost") || host.equals("::1") || host.startsWith("127."));
    }

    /** Builds {@link ServerOptions}. */
    public static final class Builder {
        private String host = DEFAULT_HOST;
        private int port = SluiceServer.DEFAULT_PORT;
        private Path users;
        private Path tlsKeystore;
        private String tlsKeystorePassword = "";
        private List<String> allowedPaths = List.of();
        private List<String> allowedBrokers;
        private Duration sessionIdleTimeout = DEFAULT_SESSION_IDLE_TIMEOUT;

        private Builder() {
        }

        public Builder host(String host) {
            this.host = host;
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Authenticates every request with HTTP BASIC against this users file (see {@link UsersFile}). */
        public Builder users(Path users) {
            this.users = users;
            return this;
        }

        /** Serves HTTPS with the key and certificate in this keystore. */
        public Builder tls(Path keystore, String password) {
            this.tlsKeystore = keystore;
            this.tlsKeystorePassword = password;
            return this;
        }

        public Builder allowedPaths(List<String> allowedPaths) {
            this.allowedPaths = allowedPaths;
            return this;
        }

        public Builder allowedBrokers(List<String> allowedBrokers) {
            this.allowedBrokers = allowedBrokers;
            return this;
        }

        public Builder sessionIdleTimeout(Duration sessionIdleTimeout) {
            this.sessionIdleTimeout = sessionIdleTimeout;
            return this;
        }

        public ServerOptions build() {
            return new ServerOptions(host, port, Optional.ofNullable(users), Optional.ofNullable(tlsKeystore),
                    tlsKeystorePassword == null ? "" : tlsKeystorePassword, allowedPaths,
                    Optional.ofNullable(allowedBrokers), sessionIdleTimeout);
        }
    }
}
