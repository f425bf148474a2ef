package dev.sluice.shell.console;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jline.reader.EndOfFileException;
import org.jline.reader.History;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Attributes;
import org.jline.terminal.Terminal;
import org.jline.terminal.impl.DumbTerminal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InputReaderTest {
    @TempDir
    Path home;

    @Test
    void readsStatementOverSeveralLinesAndKeepsHistory() throws IOException {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        // '\' and '!' are SQL here, not escapes or history references.
        String typed = "SELECT 'a\\b;' AS x\n  FROM t WHERE y != 1;\n\nquit\n";
        try (Terminal terminal = terminal(typed, output);
                InputReader reader = new InputReader(terminal, home.resolve("history"))) {
            assertEquals("SELECT 'a\\b;' AS x\n  FROM t WHERE y != 1;", reader.readStatements());
            assertEquals("", reader.readStatements());
            assertEquals("quit", reader.readStatements());
            assertThrows(EndOfFileException.class, reader::readStatements);
        }
        // A dumb terminal doesn't echo: what shows is the prompts.
        assertEquals("sluice> sluice> sluice> sluice> ", output.toString(UTF_8));

        try (Terminal terminal = terminal("", new ByteArrayOutputStream());
                InputReader reader = new InputReader(terminal, home.resolve("history"))) {
            List<String> entries = new ArrayList<>();
            for (History.Entry entry : reader.history()) {
                entries.add(entry.line());
            }
            assertEquals(List.of("SELECT 'a\\b;' AS x\n  FROM t WHERE y != 1;", "quit"), entries);
        }
        assertEquals("SELECT 'a\\\\b;' AS x\\n  FROM t WHERE y != 1;\nquit\n", Files.readString(home.resolve("history")));
    }

    @Test
    void ctrlCDiscardsWhatWasTyped() throws IOException {
        try (Terminal terminal = terminal("SELECT 1\n  FROM\u0003SHOW TABLES;\n", new ByteArrayOutputStream())) {
            // As a tty would: Ctrl-C is the interrupt character and raises SIGINT.
            Attributes attributes = terminal.getAttributes();
            attributes.setLocalFlag(Attributes.LocalFlag.ISIG, true);
            attributes.setControlChar(Attributes.ControlChar.VINTR, 3);
            terminal.setAttributes(attributes);
            try (InputReader reader = new InputReader(terminal, home.resolve("history"))) {
                UserInterruptException interrupt = assertThrows(UserInterruptException.class, reader::readStatements);
                assertEquals("SELECT 1\n  FROM", interrupt.getPartialLine());
                assertEquals("SHOW TABLES;", reader.readStatements());
            }
        }
    }

    private static Terminal terminal(String typed, ByteArrayOutputStream output) throws IOException {
        return new DumbTerminal("test", Terminal.TYPE_DUMB, new ByteArrayInputStream(typed.getBytes(UTF_8)), output, UTF_8);
    }
}
