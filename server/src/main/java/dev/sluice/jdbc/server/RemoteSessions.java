package dev.sluice.jdbc.server;

import static java.util.Objects.requireNonNull;

import dev.sluice.api.AccessPolicy;
import dev.sluice.api.Identity;
import dev.sluice.api.Sluice;
import dev.sluice.jdbc.meta.ConnectionSessions;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.calcite.avatica.BuiltInConnectionProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sessions of the server's connections: each one a session of the server's engine, for the user the
 * request authenticated as (or, without authentication, the {@code user} the client names, unverified and
 * never an admin), restricted by the server's {@link AccessPolicy}. The connection's other properties
 * (those that are not the driver's own) become its session options.
 */
final class RemoteSessions implements ConnectionSessions {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteSessions.class);
    /** The user of a connection that names none, on a server without authentication. */
    static final String ANONYMOUS = "anonymous";
    /** The authenticated user of the request the current thread serves (set around each request). */
    private static final ThreadLocal<String> REQUEST_USER = new ThreadLocal<>();
    /** Connection properties that configure the client, not the session. */
    private static final Set<String> CLIENT_PROPERTIES = clientProperties();

    private final Sluice engine;
    private final Optional<UsersFile> users;
    private final AccessPolicy access;

    RemoteSessions(Sluice engine, Optional<UsersFile> users, AccessPolicy access) {
        this.engine = requireNonNull(engine, "engine is null");
        this.users = requireNonNull(users, "users is null");
        this.access = requireNonNull(access, "access is null");
    }

    /** Runs {@code action} (one request) as the authenticated {@code user}. */
    static <T> T callAs(String user, Callable<T> action) throws Exception {
        REQUEST_USER.set(user);
        try {
            return action.call();
        } finally {
            REQUEST_USER.remove();
        }
    }

    @Override
    public Sluice open(Map<String, String> properties) {
        Identity identity;
        if (users.isPresent()) {
            String user = REQUEST_USER.get();
            if (user == null) {
                throw new SecurityException("The request is not authenticated");
            }
            identity = new Identity(user, users.get().isAdmin(user));
        } else {
            String named = properties.get("user");
            identity = new Identity(named == null || named.isBlank() ? ANONYMOUS : named.trim(), false);
        }
        Map<String, String> options = new LinkedHashMap<>();
        properties.forEach((key, value) -> {
            if (!CLIENT_PROPERTIES.contains(key.toLowerCase(Locale.ROOT)) && value != null) {
                options.put(key, value);
            }
        });
        Sluice session = engine.newSession(identity, access, options);
        LOG.info("Opened a session for user '{}'{}", identity.user(), identity.admin() ? " (admin)" : "");
        return session;
    }

    @Override
    public void checkRequest(Sluice session) {
        if (users.isPresent()) {
            String user = REQUEST_USER.get();
            if (user == null || !user.equals(session.identity().user())) {
                throw new SecurityException("This connection belongs to another user");
            }
        }
    }

    private static Set<String> clientProperties() {
        Set<String> names = new HashSet<>(Set.of("user", "password", "ssl", "home", "sluice.embedded"));
        for (BuiltInConnectionProperty p : BuiltInConnectionProperty.values()) {
            names.add(p.camelName().toLowerCase(Locale.ROOT));
        }
        return Set.copyOf(names);
    }
}
