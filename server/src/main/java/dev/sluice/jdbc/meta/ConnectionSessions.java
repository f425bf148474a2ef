package dev.sluice.jdbc.meta;

import dev.sluice.api.Sluice;
import java.util.Map;

/**
 * How a server's {@link SluiceMeta} gets the session of each JDBC connection it serves: one session per
 * connection, opened when the client connects and closed when it disconnects.
 */
public interface ConnectionSessions {
    /**
     * Opens the session of a new connection, for the user of the request being served.
     *
     * @param properties the connection properties the client sent (user, session options...)
     * @throws SecurityException if the connection is refused, with the reason
     * @throws dev.sluice.api.SluiceException if a session option is invalid or not allowed
     */
    Sluice open(Map<String, String> properties);

    /**
     * Checks that the request being served may use {@code session} (it was opened by the same user).
     *
     * @throws SecurityException if it may not
     */
    void checkRequest(Sluice session);
}
