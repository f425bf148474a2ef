package dev.sluice.jdbc.server;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.eclipse.jetty.util.security.Credential;
import org.junit.jupiter.api.Test;

class PasswordHashTest {
    @Test
    void aHashMatchesItsPasswordOnlyAndJettyFindsItByItsPrefix() {
        String hash = PasswordHash.hash("s3cret".toCharArray());
        assertTrue(hash.startsWith("PBKDF2:" + PasswordHash.ITERATIONS + ":"), hash);
        assertFalse(hash.contains("s3cret"));
        assertNotEquals(hash, PasswordHash.hash("s3cret".toCharArray()), "a new salt each time");

        Credential credential = Credential.getCredential(hash);  // as Jetty's login service reads the users file
        assertTrue(credential instanceof PasswordHash, credential.getClass().getName());
        assertTrue(credential.check("s3cret"));
        assertTrue(credential.check("s3cret"), "again, from the verified cache");
        assertFalse(credential.check("s3cret "));
        assertFalse(credential.check("S3cret"));
        assertFalse(credential.check(""));

        assertThrows(IllegalArgumentException.class, () -> PasswordHash.parse("PBKDF2:10:AAAA:AAAA"));
        assertThrows(IllegalArgumentException.class, () -> PasswordHash.parse("secret"));
    }
}
