package dev.sluice.api;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.execution.connector.TableDescriptor;
import dev.sluice.execution.type.RowSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The path and broker rules of a restricted session, on real directories (symbolic links included). */
class AccessPolicyTest {
    @TempDir
    Path dir;

    private AccessPolicy policy() {
        return AccessPolicy.restricted(List.of(dir.resolve("home").toString(), "hdfs://nn:8020/warehouse"),
                List.of(dir.resolve("home").resolve("catalog.json")), Optional.of(List.of("broker-1:9092")));
    }

    private static TableDescriptor table(Map<String, String> options) {
        return new TableDescriptor("t", new RowSchema(List.of()), options);
    }

    private void allowed(String path) {
        assertDoesNotThrow(() -> policy().checkTable(table(Map.of("connector", "filesystem", "path", path)), Map.of()),
                path);
    }

    private String refused(String path) {
        SecurityException e = assertThrows(SecurityException.class,
                () -> policy().checkTable(table(Map.of("connector", "filesystem", "path", path)), Map.of()), path);
        assertTrue(e.getMessage().contains("Table 't' option 'path'"), e.getMessage());
        return e.getMessage();
    }

    @Test
    void localPathsMustBeInsideAnAllowedDirectoryAfterResolvingDotsAndLinks() throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        Files.createDirectories(dir.resolve("secret"));
        allowed(home.resolve("data/t").toString());
        allowed(home.resolve("data/t").toUri().toString());
        allowed("file:" + home.resolve("data"));
        assertTrue(refused(dir.resolve("secret").toString()).contains("outside"));
        assertTrue(refused(home + "/data/../../secret").contains("outside"));
        assertTrue(refused(dir.resolve("home-other").toString()).contains("outside"), "a prefix is not a parent");
        assertTrue(refused("/").contains("outside"));
        assertTrue(refused("relative/dir").contains("outside"), "relative to the server's working directory");
        // The home holds the catalog: a table can be a sub-directory, not the home itself.
        assertTrue(refused(home.toString()).contains("catalog.json"));
        // A link inside the home to a directory outside leads outside.
        Files.createSymbolicLink(home.resolve("link"), dir.resolve("secret"));
        assertTrue(refused(home.resolve("link").resolve("x").toString()).contains("outside"));
        // file://host/... is not this machine's, and a file: URI that is not absolute can't be checked.
        assertTrue(refused("file://other-host" + home.resolve("data")).contains("not a path this server can check"));
    }

    @Test
    void remoteFileSystemsMatchByAuthorityAndPath() {
        allowed("hdfs://nn:8020/warehouse/t");
        allowed("HDFS://NN:8020/warehouse/a/../t");
        refused("hdfs://nn:8020/warehouse-2/t");
        refused("hdfs://nn:8020/warehouse/../etc");
        refused("hdfs://other:8020/warehouse/t");
        refused("s3a://nn:8020/warehouse/t");
    }

    @Test
    void pathLikeOptionsAndBrokersAreCheckedAndTheUnrestrictedPolicyChecksNothing() {
        AccessPolicy policy = policy();
        assertThrows(SecurityException.class, () -> policy.checkTable(table(Map.of("connector", "kafka",
                "properties.ssl.keystore.location", "/etc/ssl/private/key.p12")), Map.of()));
        assertThrows(SecurityException.class, () -> policy.checkTable(table(Map.of("connector", "kafka",
                "properties.sasl.oauthbearer.token.endpoint.url", "file:///etc/shadow")), Map.of()));
        assertThrows(SecurityException.class, () -> policy.checkSessionOption("checkpoint.root", "/tmp/elsewhere"));
        assertThrows(SecurityException.class, () -> policy.checkSessionOption("checkpointLocation", "/tmp/elsewhere"));
        assertDoesNotThrow(() -> policy.checkSessionOption("trigger", "1 s"));

        TableDescriptor kafka = table(Map.of("connector", "kafka", "topic", "x"));
        assertDoesNotThrow(() -> policy.checkTable(kafka, Map.of("bootstrap.servers", "BROKER-1:9092")));
        SecurityException e = assertThrows(SecurityException.class,
                () -> policy.checkTable(kafka, Map.of("bootstrap.servers", "broker-1:9092,evil:9092")));
        assertTrue(e.getMessage().contains("[evil:9092]") && e.getMessage().contains("session's"), e.getMessage());
        assertThrows(SecurityException.class, () -> policy.checkTable(table(Map.of("connector", "kafka",
                "bootstrap.servers", "PLAINTEXT://evil:9092")), Map.of()));

        AccessPolicy open = AccessPolicy.unrestricted();
        assertDoesNotThrow(() -> open.checkTable(table(Map.of("connector", "filesystem", "path", "/etc")), Map.of()));
        assertDoesNotThrow(() -> open.checkSessionOption("bootstrap.servers", "evil:9092"));
    }
}
