package dev.sluice.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The verifier counts every kind of difference between a sink and its reference. */
class VerificationTest {
    @Test
    void theSameRowsInAnyOrderAreExact() {
        Verification v = Verification.of(List.of("1|a", "2|b", "2|b"), List.of("2|b", "1|a", "2|b"));
        assertTrue(v.exact(), v.summary());
        assertEquals("expected 3 / found 3 / duplicated 0 / missing 0 / unexpected 0", v.summary());
    }

    @Test
    void duplicatesMissingAndWrongRowsAreCountedApart() {
        // Row 1 written twice (a re-run batch), row 3 lost, window 4 counted wrong (one missing, one unexpected).
        Verification v = Verification.of(List.of("1|a", "2|b", "3|c", "4|n=2"), List.of("1|a", "1|a", "2|b", "4|n=3"));
        assertFalse(v.exact());
        assertEquals(4, v.expected());
        assertEquals(4, v.found());
        assertEquals(1, v.duplicated());
        assertEquals(2, v.missing());
        assertEquals(1, v.unexpected());
        assertEquals(List.of("1|a expected 1x, found 2x", "3|c expected 1x, found 0x", "4|n=2 expected 1x, found 0x",
                "4|n=3 expected 0x, found 1x"), v.examples());
    }

    @Test
    void jsonRowsAreComparedByTheirValuesInOrder() {
        assertEquals("2023-11-14 22:13:20.000|k1|33|1650",
                JsonRow.canonical("{\"window_start\":\"2023-11-14 22:13:20.000\",\"k\":\"k1\",\"n\":33,\"total\":1650}"));
        assertEquals("7|null", JsonRow.canonical("{\"id\":7,\"name\":null}"));
    }

    @Test
    void scriptsSplitIntoStatements() {
        assertEquals(List.of("SET a = 'x'", "CREATE TABLE t (a INT)\n  WITH ('k'='v')", "INSERT INTO t SELECT STREAM a FROM s"),
                ChaosQuery.statements("SET a = 'x';\n-- a comment\nCREATE TABLE t (a INT)\n  WITH ('k'='v');\n"
                        + "INSERT INTO t SELECT STREAM a FROM s;\n"));
    }
}
