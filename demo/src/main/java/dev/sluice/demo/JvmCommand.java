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
 * are passed on, for the child's start-up; a Sluice child ({@link #of}) also gets the script's inlining exclusions
 * and young generation size, a broker ({@link #ofBroker}) keeps the JVM's.
 */
public final class JvmCommand {
    private static final String ARROW_FLAG = "--add-opens=java.base/java.nio=ALL-UNNAMED";

    private JvmCommand() {
    }

    /** A JVM running Sluice (a bench phase, a chaos query): the {@code sluice} script's JVM settings apply. */
    public static List<String> of(Class<?> mainClass, List<String> jvmFlags, List<String> args) {
        return command(mainClass, ManagementFactory.getRuntimeMXBean().getInputArguments(), jvmFlags, args, true);
    }

    /** A JVM running a Kafka broker: the class data archive and JIT thresholds only. */
    public static List<String> ofBroker(Class<?> mainClass, List<String> jvmFlags, List<String> args) {
        return command(mainClass, ManagementFactory.getRuntimeMXBean().getInputArguments(), jvmFlags, args, false);
    }

    /** The command line, passing on those of {@code parentFlags} (this JVM's) that a child of its kind takes. */
    static List<String> command(Class<?> mainClass, List<String> parentFlags, List<String> jvmFlags, List<String> args,
            boolean sluice) {
        requireNonNull(mainClass, "mainClass is null");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add(ARROW_FLAG);
        // This JVM's class data archive (the sluice script's, made for this classpath) serves the child too, and
        // the child compiles with the same JIT thresholds; in their order, so that a user's later flag still wins.
        for (String flag : parentFlags) {
            if (flag.startsWith("-XX:SharedArchiveFile=") || flag.startsWith("-Xlog:cds") || flag.startsWith("-XX:Tier4")
                    || sluice && (flag.startsWith("-XX:CompileCommand=") || flag.startsWith("-Xmn"))) {
                command.add(flag);
            }
        }
        command.addAll(jvmFlags);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass.getName()));
        command.addAll(args);
        return List.copyOf(command);
    }
}
