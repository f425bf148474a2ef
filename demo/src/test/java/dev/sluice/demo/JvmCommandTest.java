package dev.sluice.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which of the {@code sluice} script's JVM flags a child JVM takes, by kind. */
class JvmCommandTest {
    private static final List<String> PARENT = List.of("-Xmx2g", "-XX:SharedArchiveFile=/a.jsa", "-Xlog:cds=off",
            "-XX:Tier4InvocationThreshold=20000", "-XX:CompileCommand=quiet",
            "-XX:CompileCommand=dontinline,org.apache.kafka.common.network.*::*", "-Xmn16m", "-Xmn256m",
            "-Dsome.property=1");

    @Test
    void aSluiceChildTakesTheScriptsFlagsInTheirOrderSoThatALaterOneWins() {
        List<String> command = JvmCommand.command(JvmCommandTest.class, PARENT, List.of("-Xmx512m"), List.of("arg"), true);
        assertEquals(List.of("-XX:SharedArchiveFile=/a.jsa", "-Xlog:cds=off", "-XX:Tier4InvocationThreshold=20000",
                "-XX:CompileCommand=quiet", "-XX:CompileCommand=dontinline,org.apache.kafka.common.network.*::*",
                "-Xmn16m", "-Xmn256m", "-Xmx512m"), command.subList(2, command.indexOf("-cp")));
        assertEquals(List.of(JvmCommandTest.class.getName(), "arg"), command.subList(command.size() - 2, command.size()));
    }

    @Test
    void aBrokerKeepsTheJvmsYoungGenerationAndInlining() {
        List<String> command = JvmCommand.command(BrokerMain.class, PARENT, List.of("-Xmx1g"), List.of("dir"), false);
        assertEquals(List.of("-XX:SharedArchiveFile=/a.jsa", "-Xlog:cds=off", "-XX:Tier4InvocationThreshold=20000",
                "-Xmx1g"), command.subList(2, command.indexOf("-cp")));
    }
}
