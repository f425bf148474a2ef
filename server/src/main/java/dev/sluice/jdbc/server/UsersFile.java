package dev.sluice.jdbc.server;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * The server's users: a properties file in Jetty's login format, one line per user,
 * {@code alice: PBKDF2:<iterations>:<salt>:<hash>[, admin]}, the password hashed (see {@link PasswordHash};
 * {@code sluice server --hash-password} prints a hash). Role {@code admin} may stop any user's query.
 * Checked whole when the server starts: a plain-text password, or an unknown role, is refused. Immutable.
 */
public final class UsersFile {
    /** The role that may stop other users' queries. */
    public static final String ADMIN = "admin";

    private final Path file;
    private final Map<String, Boolean> admins;

    private UsersFile(Path file, Map<String, Boolean> admins) {
        this.file = file;
        this.admins = Map.copyOf(admins);
    }

    /**
     * Reads and checks the users file.
     *
     * @throws IllegalArgumentException naming the file and the user at fault, or if it has no user
     */
    public static UsersFile load(Path file) {
        requireNonNull(file, "file is null");
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new IllegalArgumentException("Can't read the users file " + file + ": " + e.getMessage(), e);
        }
        Map<String, Boolean> admins = new TreeMap<>();
        for (String user : properties.stringPropertyNames()) {
            List<String> parts = Arrays.stream(properties.getProperty(user).split(",")).map(String::trim).toList();
            try {
                PasswordHash.parse(parts.get(0));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("User '" + user + "' in the users file " + file + ": the password "
                        + "is " + e.getMessage() + "; plain-text passwords are not accepted", e);
            }
            Set<String> roles = Set.copyOf(parts.subList(1, parts.size()));
            for (String role : roles) {
                if (!role.equals(ADMIN)) {
                    throw new IllegalArgumentException("User '" + user + "' in the users file " + file
                            + " has the unknown role '" + role + "' (the only role is '" + ADMIN + "')");
                }
            }
            admins.put(user, roles.contains(ADMIN));
        }
        if (admins.isEmpty()) {
            throw new IllegalArgumentException("The users file " + file + " has no user (lines 'name: <hash>[, admin]')");
        }
        return new UsersFile(file.toAbsolutePath(), admins);
    }

    public Path file() {
        return file;
    }

    public Set<String> users() {
        return admins.keySet();
    }

    /** Whether {@code user} has the admin role. */
    public boolean isAdmin(String user) {
        return admins.getOrDefault(user, false);
    }
}
