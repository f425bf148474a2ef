package dev.sluice.chaos;

import dev.sluice.demo.BrokerProcess;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code ./sluice chaos}: the long version of the kill -9 suite. Starts a Kafka broker in a process of its own,
 * then runs each scenario ({@link Scenario#NAMES}) with {@code --kills} SIGKILLs of its query process at random
 * moments, and prints per scenario the kills (where they landed) and the rows expected / found / duplicated /
 * missing / unexpected. Exits 1 if any scenario's sink differs from its reference, 0 otherwise.
 *
 * <p>Everything the query processes and the broker print stays in files under the run's directory
 * ({@code --dir}, default a new temporary directory), whose path is printed.
 */
public final class ChaosCommand {
    private static final PrintStream OUT = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    private static final String USAGE = "usage: ./sluice chaos [--kills 20] [--scenario file|window|kafka|join|all]"
            + " [--seed 1] [--rows-per-round 5000] [--rate 5000] [--min-delay-ms 1000] [--max-delay-ms 8000] [--dir DIR]";

    private ChaosCommand() {
    }

    public static void main(String[] args) throws Exception {
        int kills = 20;
        List<String> scenarios = Scenario.NAMES;
        long seed = 1;
        int rowsPerRound = 5000;
        double rate = 5000;
        long minDelay = 1000;
        long maxDelay = 8000;
        Path dir = null;
        try {
            for (int i = 0; i < args.length; i++) {
                String value = i + 1 < args.length ? args[i + 1] : null;
                switch (args[i]) {
                    case "--kills" -> kills = Integer.parseInt(required(args[i], value));
                    case "--scenario" -> scenarios = scenarios(required(args[i], value));
                    case "--seed" -> seed = Long.parseLong(required(args[i], value));
                    case "--rows-per-round" -> rowsPerRound = Integer.parseInt(required(args[i], value));
                    case "--rate" -> rate = Double.parseDouble(required(args[i], value));
                    case "--min-delay-ms" -> minDelay = Long.parseLong(required(args[i], value));
                    case "--max-delay-ms" -> maxDelay = Long.parseLong(required(args[i], value));
                    case "--dir" -> dir = Path.of(required(args[i], value));
                    case "-h", "--help" -> {
                        OUT.println(USAGE);
                        System.exit(0);
                    }
                    default -> throw new IllegalArgumentException("Unknown option " + args[i]);
                }
                i++;
            }
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage() + "\n" + USAGE);
            System.exit(2);
            return;
        }
        ChaosSettings settings = new ChaosSettings(kills, rowsPerRound, rate, minDelay, maxDelay, seed);
        if (dir == null) {
            dir = Files.createTempDirectory("sluice-chaos-");
        }
        System.exit(run(scenarios, settings, dir.toAbsolutePath(), OUT) ? 0 : 1);
    }

    private static String required(String option, String value) {
        if (value == null) {
            throw new IllegalArgumentException("Option " + option + " needs a value");
        }
        return value;
    }

    private static List<String> scenarios(String value) {
        if (value.equals("all")) {
            return Scenario.NAMES;
        }
        List<String> names = List.of(value.split(","));
        for (String name : names) {
            if (!Scenario.NAMES.contains(name)) {
                throw new IllegalArgumentException("Unknown scenario '" + name + "'; known: " + Scenario.NAMES + " or all");
            }
        }
        return names;
    }

    /** Runs the scenarios against one broker process; returns whether every one passed. */
    static boolean run(List<String> scenarios, ChaosSettings settings, Path dir, PrintStream out) throws Exception {
        out.printf(Locale.ROOT, "Chaos run in %s: scenarios %s, %d kills each, seed %d%n", dir, scenarios,
                settings.kills(), settings.seed());
        String prefix = "chaos-" + Long.toString(System.currentTimeMillis(), 36);
        List<ChaosResult> results = new ArrayList<>();
        try (BrokerProcess broker = BrokerProcess.start(dir.resolve("broker-data"), "768m")) {
            out.println("Kafka broker process on " + broker.bootstrapServers());
            for (String name : scenarios) {
                Path scenarioDir = dir.resolve(name);
                ChaosResult result = new ChaosRun(Scenario.create(name, prefix, scenarioDir, settings.seed()), broker,
                        scenarioDir, settings, out).run();
                out.println(result.line());
                results.add(result);
            }
        }
        out.println();
        out.println("| scenario | result | kills | batches | expected | found | duplicated | missing | unexpected | seconds |");
        out.println("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        for (ChaosResult r : results) {
            Verification v = r.verification().orElse(new Verification(0, 0, 0, 0, 0, List.of()));
            out.printf(Locale.ROOT, "| %s | %s | %d | %d | %d | %d | %d | %d | %d | %.0f |%n", r.scenario(),
                    r.passed() ? "pass" : "FAIL", r.kills(), r.batches(), v.expected(), v.found(), v.duplicated(),
                    v.missing(), v.unexpected(), r.seconds());
        }
        out.println("Logs: " + dir);
        return results.stream().allMatch(ChaosResult::passed);
    }
}
