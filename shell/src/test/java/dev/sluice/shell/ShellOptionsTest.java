package dev.sluice.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ShellOptionsTest {
    private static final Path USER_HOME = Path.of("/home/ada");

    @Test
    void noArgumentsMeansInteractiveWithDefaults() {
        ShellOptions options = ShellOptions.parse(List.of());
        assertEquals(new ShellOptions(false, false, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()), options);
        assertFalse(options.isBatch());
    }

    @Test
    void parsesEveryOption() {
        ShellOptions options = ShellOptions.parse(List.of("--bootstrap", "kafka:9092", "--home", "/data/sluice", "-e", "SHOW TABLES; SELECT 1"));
        assertEquals(new ShellOptions(false, false, Optional.of("kafka:9092"), Optional.of(Path.of("/data/sluice")),
                Optional.of("SHOW TABLES; SELECT 1"), Optional.empty()), options);
        assertTrue(options.isBatch());

        assertEquals(new ShellOptions(true, true, Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(Path.of("q.sql"))),
                ShellOptions.parse(List.of("--embedded", "-f", "q.sql", "--help")));
        assertTrue(ShellOptions.parse(List.of("-h")).help());
        assertEquals(Optional.of("-- a comment first\nSELECT 1"), ShellOptions.parse(List.of("--execute", "-- a comment first\nSELECT 1")).execute());
    }

    @Test
    void takesValuesAfterEqualsSign() {
        ShellOptions options = ShellOptions.parse(List.of("--bootstrap=localhost:9092", "--home=/tmp/h", "--file=a=b.sql"));
        assertEquals(Optional.of("localhost:9092"), options.bootstrapServers());
        assertEquals(Optional.of(Path.of("/tmp/h")), options.home());
        assertEquals(Optional.of(Path.of("a=b.sql")), options.file());
    }

    @Test
    void rejectsInvalidCommandLines() {
        assertInvalid("Unknown option: --bogus", "--bogus");
        assertInvalid("Unknown option: --bogus", "--bogus=1");
        assertInvalid("Unexpected argument: SELECT 1 (statements go in -e or -f)", "SELECT 1");
        assertInvalid("Option -e needs a value", "-e");
        assertInvalid("Option --home needs a value", "--home=");
        assertInvalid("Option --embedded takes no value", "--embedded=yes");
        assertInvalid("Option --home given twice", "--home", "a", "--home", "b");
        assertInvalid("Options -e and -f exclude each other", "-e", "SELECT 1", "-f", "q.sql");
        assertInvalid("Options --embedded and --bootstrap exclude each other: --embedded uses its own broker",
                "--embedded", "--bootstrap", "localhost:9092");
    }

    @Test
    void homeComesFromOptionThenEnvironmentThenUserHome() {
        Map<String, String> environment = Map.of(ShellOptions.HOME_VARIABLE, "/srv/sluice");
        assertEquals(Optional.of(Path.of("/x")), ShellOptions.parse(List.of("--home", "/x")).configuredHome(environment, USER_HOME));
        assertEquals(Optional.of(Path.of("/srv/sluice")), ShellOptions.parse(List.of()).configuredHome(environment, USER_HOME));
        assertEquals(Optional.of(Path.of("/home/ada/.sluice")), ShellOptions.parse(List.of()).configuredHome(Map.of(), USER_HOME));
        assertEquals(Optional.of(Path.of("/home/ada/.sluice")),
                ShellOptions.parse(List.of()).configuredHome(Map.of(ShellOptions.HOME_VARIABLE, " "), USER_HOME));
    }

    @Test
    void embeddedDemoUsesTemporaryHomeUnlessOneIsGiven() {
        Map<String, String> environment = Map.of(ShellOptions.HOME_VARIABLE, "/srv/sluice");
        assertEquals(Optional.empty(), ShellOptions.parse(List.of("--embedded")).configuredHome(environment, USER_HOME));
        assertEquals(Optional.of(Path.of("/x")),
                ShellOptions.parse(List.of("--embedded", "--home", "/x")).configuredHome(environment, USER_HOME));
    }

    private static void assertInvalid(String message, String... args) {
        InvalidOptionsException e = assertThrows(InvalidOptionsException.class, () -> ShellOptions.parse(List.of(args)));
        assertEquals(message, e.getMessage());
    }

    @Test
    void statusPageOptions() {
        ShellOptions defaults = ShellOptions.parse(List.of());
        assertTrue(defaults.ui());
        assertEquals(4040, defaults.uiPort());
        assertEquals(4041, ShellOptions.parse(List.of("--ui-port", "4041")).uiPort());
        assertEquals(0, ShellOptions.parse(List.of("--ui-port=0")).uiPort());
        org.junit.jupiter.api.Assertions.assertFalse(ShellOptions.parse(List.of("--no-ui")).ui());
        InvalidOptionsException e = org.junit.jupiter.api.Assertions.assertThrows(InvalidOptionsException.class,
                () -> ShellOptions.parse(List.of("--ui-port", "http")));
        assertEquals("Option --ui-port needs a port number (0 to 65535), not 'http'", e.getMessage());
        assertEquals("Options --no-ui and --ui-port exclude each other", org.junit.jupiter.api.Assertions.assertThrows(
                InvalidOptionsException.class, () -> ShellOptions.parse(List.of("--no-ui", "--ui-port", "5"))).getMessage());
    }
}
