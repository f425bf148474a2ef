package dev.sluice.demo;

import static java.util.Objects.requireNonNull;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a child JVM running {@code mainClass}: this JVM's own {@code java} and classpath, the
 * flag Arrow needs ({@code --add-opens=java.base/java.nio=ALL-UNNAMED}) and the given JVM flags, so that the
 * child runs exactly the code under test: the bench's phases, the chaos suite's queries, a broker process.
 * A class data archive this JVM runs with (same classpath), and the JIT thresholds the {@code sluice} script sets,
 * are passed on, for the child's start-up.
 */
public final class JvmCommand {
    private static final String ARROW_FLAG = "--add-opens=java.base/java.nio=ALL-UNNAMED";

    private JvmCommand() {
    }

    public static List<String> of(Class<?> mainClass, List<String> jvmFlags, List<String> args) {
        requireNonNull(mainClass, "mainClass is null");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add(ARROW_FLAG);
        // This JVM's class data archive (the sluice script's, made for this classpath) serves the child too, and
        // the child compiles with the same JIT thresholds.
        for (String flag : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (flag.startsWith("-XX:SharedArchiveFile=") || flag.startsWith("-Xlog:cds") || flag.startsWith("-XX:Tier4")) {
                command.add(flag);
            }
        }
        command.addAll(jvmFlags);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass.getName()));
        command.addAll(args);
        return List.copyOf(command);
    }
}
