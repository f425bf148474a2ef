package dev.sluice.api;

import static java.util.Objects.requireNonNull;

/**
 * Who runs a session's statements: the user named as the owner of the continuous queries it starts, and
 * whether that user may stop other users' queries ({@code STOP QUERY}).
 *
 * <p>A session built with {@link Sluice#builder()} (the shell, the embedded JDBC driver) runs as the
 * operating-system user, as an admin: it has the machine already. A {@code sluice server} gives each
 * connection the user it authenticated (or, without authentication, the {@code user} the client named).
 *
 * @param user the user name, never blank
 * @param admin whether the user may stop any user's query
 */
public record Identity(String user, boolean admin) {
    public Identity {
        requireNonNull(user, "user is null");
        if (user.isBlank()) {
            throw new IllegalArgumentException("user is blank");
        }
    }

    /** The operating-system user running this process, as an admin. */
    public static Identity local() {
        String name = System.getProperty("user.name");
        return new Identity(name == null || name.isBlank() ? "local" : name, true);
    }
}
