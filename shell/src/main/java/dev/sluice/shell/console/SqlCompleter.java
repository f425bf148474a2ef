package dev.sluice.shell.console;

import static java.util.Objects.requireNonNull;

import dev.sluice.api.Sluice;
import dev.sluice.api.ColumnInfo;
import dev.sluice.api.TableInfo;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tab completion of SQL keywords, functions, and the catalog's tables and columns, asked of the session
 * (through the api, as any client would) each time, so tables created a moment ago complete too.
 */
public final class SqlCompleter implements Completer {
    private static final Logger LOG = LoggerFactory.getLogger(SqlCompleter.class);

    private final Sluice sluice;

    public SqlCompleter(Sluice sluice) {
        this.sluice = requireNonNull(sluice, "sluice is null");
    }

    @Override
    public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
        for (String word : words()) {
            candidates.add(new Candidate(word));
        }
    }

    /** Every word the shell offers: keywords and functions (upper case), table and column names. */
    Set<String> words() {
        Set<String> words = new TreeSet<>(SqlKeywords.KEYWORDS);
        words.addAll(SqlKeywords.FUNCTIONS);
        try {
            for (TableInfo table : sluice.catalog().tables()) {
                words.add(table.name());
                for (ColumnInfo column : sluice.catalog().describe(table.name())) {
                    words.add(column.name());
                }
            }
        } catch (RuntimeException e) {
            // Completion must never break typing; keywords still complete.
            LOG.debug("Completion could not read the catalog", e);
        }
        return words;
    }
}
