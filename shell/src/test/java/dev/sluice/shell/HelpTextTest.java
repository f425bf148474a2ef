package dev.sluice.shell;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.api.SessionOptions;
import dev.sluice.execution.config.OptionDef;
import org.junit.jupiter.api.Test;

/** HELP lists every session option SET knows, from its definition. */
class HelpTextTest {
    @Test
    void helpListsEveryDefinedOptionWithItsDefault() {
        for (OptionDef<?> option : SessionOptions.ALL.definitions()) {
            assertTrue(HelpText.TEXT.lines().anyMatch(line -> line.strip().startsWith(option.name() + " ")
                    && line.contains("default " + option.defaultText())), option.name() + " in:\n" + HelpText.TEXT);
        }
    }
}
