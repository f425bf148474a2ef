package dev.sluice.jdbc.server;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.eclipse.jetty.util.security.Credential;
import org.eclipse.jetty.util.security.CredentialProvider;

/**
 * A password stored as a salted PBKDF2-HMAC-SHA256 hash, {@code PBKDF2:<iterations>:<salt>:<hash>} (Base64):
 * what the users file holds, so that reading it does not give the passwords away. A Jetty {@link Credential},
 * found by Jetty's login service through {@link Provider} (a {@code ServiceLoader} service), so Avatica's
 * BASIC authentication checks passwords against it.
 *
 * <p>BASIC authentication sends the password with every HTTP request and PBKDF2 is slow on purpose; a
 * password once verified is remembered as a salted SHA-256 digest, so later requests cost a hash, while
 * every wrong guess still costs a full PBKDF2.
 */
public final class PasswordHash extends Credential {
    private static final long serialVersionUID = 1L;
    public static final String PREFIX = "PBKDF2:";
    static final int ITERATIONS = 120_000;
    private static final int KEY_BITS = 256;

    private final int iterations;
    private final byte[] salt;
    private final byte[] hash;
    private final transient Set<String> verified = ConcurrentHashMap.newKeySet();

    private PasswordHash(int iterations, byte[] salt, byte[] hash) {
        this.iterations = iterations;
        this.salt = salt.clone();
        this.hash = hash.clone();
    }

    /**
     * Parses {@code PBKDF2:<iterations>:<salt>:<hash>}.
     *
     * @throws IllegalArgumentException if {@code text} is not such a hash
     */
    public static PasswordHash parse(String text) {
        requireNonNull(text, "text is null");
        String[] parts = text.trim().split(":");
        if (parts.length != 4 || !(parts[0] + ":").equals(PREFIX)) {
            throw new IllegalArgumentException("not a password hash (" + PREFIX + "<iterations>:<salt>:<hash>, as "
                    + "'sluice server --hash-password' prints)");
        }
        try {
            int iterations = Integer.parseInt(parts[1]);
            if (iterations < 10_000) {
                throw new IllegalArgumentException("too few PBKDF2 iterations: " + iterations + " (at least 10000)");
            }
            return new PasswordHash(iterations, Base64.getDecoder().decode(parts[2]), Base64.getDecoder().decode(parts[3]));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid iteration count '" + parts[1] + "'");
        }
    }

    /** Hashes {@code password} with a new random salt: the text to put in the users file. */
    public static String hash(char[] password) {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        return PREFIX + ITERATIONS + ":" + Base64.getEncoder().encodeToString(salt) + ":"
                + Base64.getEncoder().encodeToString(pbkdf2(password, salt, ITERATIONS));
    }

    /** Whether {@code password} is the hashed password. */
    public boolean matches(char[] password) {
        String digest = digest(password);
        if (verified.contains(digest)) {
            return true;
        }
        boolean matches = MessageDigest.isEqual(hash, pbkdf2(password, salt, iterations));
        if (matches) {
            verified.add(digest);
        }
        return matches;
    }

    /** Jetty's check: {@code credentials} is the password a client sent (a String, char[] or Password). */
    @Override
    public boolean check(Object credentials) {
        if (credentials instanceof char[] chars) {
            return matches(chars);
        }
        if (credentials instanceof String || credentials instanceof Credential) {
            return matches(credentials.toString().toCharArray());
        }
        return false;
    }

    private String digest(char[] password) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(salt);
            sha.update(new String(password).getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(sha.digest());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] pbkdf2(char[] password, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, KEY_BITS);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is not available", e);
        } finally {
            spec.clearPassword();
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PasswordHash p && iterations == p.iterations && Arrays.equals(salt, p.salt)
                && Arrays.equals(hash, p.hash);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(hash);
    }

    @Override
    public String toString() {
        return PREFIX + iterations + ":...";  // never the hash itself in logs
    }

    /** Registered as a {@code ServiceLoader} service: Jetty's {@code Credential.getCredential} finds it by prefix. */
    public static final class Provider implements CredentialProvider {
        @Override
        public Credential getCredential(String credential) {
            return parse(credential);
        }

        @Override
        public String getPrefix() {
            return PREFIX;
        }
    }
}
