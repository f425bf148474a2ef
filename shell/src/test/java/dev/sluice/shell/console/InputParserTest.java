package dev.sluice.shell.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.jline.reader.EOFError;
import org.jline.reader.Parser.ParseContext;
import org.junit.jupiter.api.Test;

class InputParserTest {
    private final InputParser parser = new InputParser();

    @Test
    void acceptsCompleteInput() {
        assertEquals("SELECT 1;", parser.parse("SELECT 1;", 9, ParseContext.ACCEPT_LINE).line());
        assertEquals("", parser.parse("", 0, ParseContext.ACCEPT_LINE).line());
        assertEquals("-- just a note", parser.parse("-- just a note", 14, ParseContext.ACCEPT_LINE).line());
        assertEquals("quit", parser.parse("quit", 4, ParseContext.ACCEPT_LINE).line());
    }

    @Test
    void asksForMoreWhenStatementIsNotTerminated() {
        assertThrows(EOFError.class, () -> parser.parse("SELECT *\n  FROM t", 16, ParseContext.ACCEPT_LINE));
        assertThrows(EOFError.class, () -> parser.parse("SELECT 'a;", 10, ParseContext.ACCEPT_LINE));
        assertThrows(EOFError.class, () -> parser.parse("SELECT 1; SELECT", 16, ParseContext.ACCEPT_LINE));
    }

    @Test
    void splitsWordsForCompletionEvenWhenIncomplete() {
        assertEquals(List.of("SELECT", "pa"), parser.parse("SELECT pa", 9, ParseContext.COMPLETE).words());
    }

    @Test
    void recognizesExitCommands() {
        assertTrue(InputParser.isExitCommand("quit"));
        assertTrue(InputParser.isExitCommand("  EXIT ; "));
        assertTrue(InputParser.isExitCommand("Quit;"));
        assertFalse(InputParser.isExitCommand("quit now"));
        assertFalse(InputParser.isExitCommand("SELECT quit FROM t;"));
    }
}
