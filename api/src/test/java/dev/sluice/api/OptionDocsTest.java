package dev.sluice.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.connectors.file.FileSystemConnector;
import dev.sluice.connectors.kafka.KafkaTableOptions;
import dev.sluice.execution.config.OptionTable;
import dev.sluice.execution.flow.FlowControlOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The docs' option tables are the option definitions written out: each table between
 * {@code <!-- options:NAME ... -->} and {@code <!-- /options -->} must be what {@link OptionTable#markdown()}
 * writes. Run with {@code -Dsluice.docs.write=true} to rewrite them from the definitions.
 */
class OptionDocsTest {
    private static final Path DOCS = Path.of(System.getProperty("maven.multiModuleProjectDirectory", ".."), "docs");
    private static final Pattern BLOCK = Pattern.compile("(<!-- options:([a-z-]+) [^\\n]*-->\\n)(.*?)(<!-- /options -->)",
            Pattern.DOTALL);

    /** Each generated table: the docs file it is in, by name. */
    static Map<String, OptionTable> tables() {
        Map<String, OptionTable> tables = new LinkedHashMap<>();
        tables.put("session", SessionOptions.SESSION);
        tables.put("flow-control", FlowControlOptions.OPTIONS);
        tables.put("kafka", KafkaTableOptions.OPTIONS);
        tables.put("filesystem", FileSystemConnector.OPTIONS);
        return tables;
    }

    @Test
    void theDocsOptionTablesAreTheDefinitions() throws IOException {
        Map<String, OptionTable> tables = tables();
        Map<String, Path> found = new LinkedHashMap<>();
        boolean write = Boolean.getBoolean("sluice.docs.write");
        for (String file : new String[] {"user-guide.md", "operations.md"}) {
            Path path = docsDir().resolve(file);
            String text = Files.readString(path, StandardCharsets.UTF_8);
            Matcher m = BLOCK.matcher(text);
            StringBuilder rewritten = new StringBuilder();
            while (m.find()) {
                String name = m.group(2);
                OptionTable table = tables.get(name);
                assertTrue(table != null, file + " has a table 'options:" + name + "' no OptionTable writes");
                found.put(name, path);
                if (!write) {
                    assertEquals("\n" + table.markdown() + "\n", m.group(3), file + ", table '" + name + "' differs from its "
                            + "definitions: rerun this test with -Dsluice.docs.write=true and review the diff");
                }
                m.appendReplacement(rewritten, Matcher.quoteReplacement(m.group(1) + "\n" + table.markdown() + "\n"
                        + m.group(4)));
            }
            m.appendTail(rewritten);
            if (write) {
                Files.writeString(path, rewritten.toString(), StandardCharsets.UTF_8);
            }
        }
        assertEquals(tables.keySet(), found.keySet(), "every option table is in the docs");
    }

    private static Path docsDir() {
        Path dir = DOCS;
        return Files.isDirectory(dir) ? dir : Path.of("..", "docs");
    }
}
