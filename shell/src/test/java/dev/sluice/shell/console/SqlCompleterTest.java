package dev.sluice.shell.console;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.api.Sluice;
import java.nio.file.Path;
import java.util.Set;
import org.jline.utils.AttributedStyle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqlCompleterTest {
    @TempDir
    Path home;

    @Test
    void completesKeywordsTablesAndColumnsCreatedJustBefore() {
        try (Sluice sluice = Sluice.builder().home(home).build()) {
            SqlCompleter completer = new SqlCompleter(sluice);
            assertFalse(completer.words().contains("page_views"));
            sluice.execute("CREATE TABLE page_views (user_name VARCHAR, visits BIGINT) WITH ('connector'='memory')");
            Set<String> words = completer.words();
            assertTrue(words.containsAll(Set.of("SELECT", "STREAM", "COUNT", "TUMBLE", "page_views", "user_name", "visits")),
                    words.toString());
        }
    }

    @Test
    void highlightsKeywordsButNotNamesOrStrings() {
        var highlighted = new SqlHighlighter().highlight(null, "select page from t where x = 'from'");
        assertTrue(highlighted.styleAt(0).equals(AttributedStyle.BOLD.foreground(AttributedStyle.BLUE)), "select");
        assertFalse(highlighted.styleAt(7).equals(AttributedStyle.BOLD.foreground(AttributedStyle.BLUE)), "page");
        assertTrue(highlighted.styleAt(30).equals(AttributedStyle.DEFAULT.foreground(AttributedStyle.GREEN)), "'from'");
        assertTrue(highlighted.toString().equals("select page from t where x = 'from'"));
    }
}
