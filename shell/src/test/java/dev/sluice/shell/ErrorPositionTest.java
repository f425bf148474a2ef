package dev.sluice.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ErrorPositionTest {
    @Test
    void pointsUnderTheTokenOrRange() {
        assertEquals(Optional.of("SELEC id FROM t\n^"),
                ErrorPosition.of("Syntax error: At line 1, column 1: Non-query expression").flatMap(p -> p.render("SELEC id FROM t")));
        assertEquals(Optional.of("  idd, page\n  ^^^"), ErrorPosition.of(
                "From line 2, column 3 to line 2, column 5: Column 'idd' not found in any table")
                .flatMap(p -> p.render("SELECT\n  idd, page\nFROM t")));
        assertEquals(Optional.of("SELECT FROM t\n       ^"), ErrorPosition.of(
                "Syntax error: Incorrect syntax near the keyword 'FROM' at line 1, column 8.")
                .flatMap(p -> p.render("SELECT FROM t")));
    }

    @Test
    void noPositionOrOutsideTheStatementShowsNothing() {
        assertEquals(Optional.empty(), ErrorPosition.of("Table 'x' does not exist"));
        assertEquals(Optional.empty(), ErrorPosition.of("At line 3, column 1: x").flatMap(p -> p.render("SELECT 1")));
    }
}
