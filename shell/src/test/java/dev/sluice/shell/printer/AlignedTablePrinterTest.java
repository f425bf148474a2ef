package dev.sluice.shell.printer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sluice.api.ResultBatch;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class AlignedTablePrinterTest {
    private final StringWriter output = new StringWriter();
    private final AlignedTablePrinter printer = new AlignedTablePrinter(new PrintWriter(output));

    @Test
    void printsAlignedTable() {
        printer.printRows(List.of("id", "name", "score", "at", "ok"), List.of(
                List.of(1, "alice", 2.5, LocalDateTime.of(2024, 1, 2, 3, 4, 5, 6_000_000), true),
                Arrays.asList(12L, null, null, null, null)));
        assertEquals("""
                 id | name  | score |           at            |  ok
                ----+-------+-------+-------------------------+------
                  1 | alice |   2.5 | 2024-01-02 03:04:05.006 | true
                 12 | NULL  |  NULL | NULL                    | NULL
                (2 rows)
                """, text());
    }

    @Test
    void printsEmptyResultWithItsHeader() {
        printer.printRows(List.of("name", "connector", "topic"), List.of());
        assertEquals("""
                 name | connector | topic
                ------+-----------+-------
                (0 rows)
                """, text());
    }

    @Test
    void printsMultiLineAndWideValues() {
        printer.printRows(List.of("k", "v"), List.of(List.of("a\nbcd", "日本"), List.of("x", "y")));
        assertEquals("""
                  k  |  v
                -----+------
                 a   | 日本
                 bcd |
                 x   | y
                (2 rows)
                """, text());
    }

    @Test
    void printsBatchesUnderTheirId() {
        printer.printBatch(new ResultBatch(3, List.of("page"), List.of(List.of("/p/1"))));
        printer.printBatch(new ResultBatch(4, List.of("page"), List.of(List.of("/p/22"), List.of("/p/3"))));
        assertEquals("""
                Batch 3
                 page
                ------
                 /p/1
                (1 row)
                Batch 4
                 page
                -------
                 /p/22
                 /p/3
                (2 rows)
                """, text());
    }

    @Test
    void rejectsRowOfWrongWidth() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> printer.printRows(List.of("a", "b"), List.of(List.of(1))));
        assertEquals("Row has 1 values for 2 columns: [1]", e.getMessage());
    }

    private String text() {
        return output.toString().replace(System.lineSeparator(), "\n");
    }
}
