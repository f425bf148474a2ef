package dev.sluice.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.shell.StatementSplitter.Split;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatementSplitterTest {
    @Test
    void splitsOnSemicolons() {
        Split split = StatementSplitter.split("SELECT 1; SELECT 2;\n");
        assertEquals(List.of("SELECT 1", "SELECT 2"), split.statements());
        assertTrue(split.isComplete());
        assertEquals("", split.partialStatement());
    }

    @Test
    void ignoresSemicolonsInStringsAndQuotedIdentifiers() {
        Split split = StatementSplitter.split("SELECT ';' AS \"a;b\", 'it''s; fine' FROM t; SELECT \"x\"\"; y\" FROM u;");
        assertEquals(List.of("SELECT ';' AS \"a;b\", 'it''s; fine' FROM t", "SELECT \"x\"\"; y\" FROM u"), split.statements());
        assertTrue(split.isComplete());
    }

    @Test
    void ignoresSemicolonsInComments() {
        Split split = StatementSplitter.split("SELECT 1 -- not here;\n  + 2 /* nor ; here */;\n/* a; */ SELECT 3;");
        assertEquals(List.of("SELECT 1 -- not here;\n  + 2 /* nor ; here */", "/* a; */ SELECT 3"), split.statements());
        assertTrue(split.isComplete());
    }

    @Test
    void commentSyntaxInsideStringsIsText() {
        Split split = StatementSplitter.split("SELECT '--', '/*'; SELECT 2;");
        assertEquals(List.of("SELECT '--', '/*'", "SELECT 2"), split.statements());
    }

    @Test
    void dropsEmptyStatements() {
        Split split = StatementSplitter.split(" ;; \n ; -- only a comment\n; /* another */ ;");
        assertEquals(List.of(), split.statements());
        assertTrue(split.isComplete());
    }

    @Test
    void trailingCommentIsNotAStatement() {
        Split split = StatementSplitter.split("SHOW TABLES; -- that's all");
        assertEquals(List.of("SHOW TABLES"), split.statements());
        assertTrue(split.isComplete());
    }

    @Test
    void reportsTextAfterTheLastSemicolonAsPartial() {
        Split split = StatementSplitter.split("SELECT 1;\nSELECT a\n  FROM t\n");
        assertEquals(List.of("SELECT 1"), split.statements());
        assertFalse(split.isComplete());
        assertEquals("SELECT a\n  FROM t", split.partialStatement());
    }

    @Test
    void unterminatedStringIdentifierOrBlockCommentIsIncomplete() {
        assertEquals("SELECT 'abc;", StatementSplitter.split("SELECT 'abc;").partialStatement());
        assertEquals("SELECT \"a;", StatementSplitter.split("SELECT \"a;").partialStatement());
        Split comment = StatementSplitter.split("SELECT 1; /* still typing;");
        assertEquals(List.of("SELECT 1"), comment.statements());
        assertEquals("/* still typing;", comment.partialStatement());
    }

    @Test
    void emptyInputIsComplete() {
        assertEquals(new Split(List.of(), ""), StatementSplitter.split(""));
        assertEquals(new Split(List.of(), ""), StatementSplitter.split("  \n\t"));
    }

    @Test
    void firstKeywordSkipsCommentsAndParentheses() {
        assertEquals("INSERT", StatementSplitter.firstKeyword(" /* load */ -- now\n insert into t SELECT STREAM * FROM s"));
        assertEquals("SELECT", StatementSplitter.firstKeyword("((select 1))"));
        assertEquals("", StatementSplitter.firstKeyword("'x'"));
        assertEquals("", StatementSplitter.firstKeyword("-- nothing"));
    }
}
