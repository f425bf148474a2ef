package dev.sluice.chaos;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What one scenario's run found.
 *
 * @param scenario the scenario's name
 * @param kills query processes killed
 * @param killsByPhase where the kills landed (as the query process last reported), by phase label, in the
 *     order of {@link QueryProcess.Phase}
 * @param batches batches committed over all runs (re-runs of a killed batch included)
 * @param verification the sink compared with the reference; empty if the run failed before it got there
 * @param failure why the run could not finish (a query process failed by itself, never caught up...)
 * @param notes what else is worth knowing about the sink
 * @param seconds wall-clock time of the scenario
 */
record ChaosResult(String scenario, int kills, Map<String, Integer> killsByPhase, long batches,
                   Optional<Verification> verification, Optional<String> failure, String notes, double seconds) {
    ChaosResult {
        requireNonNull(scenario, "scenario is null");
        killsByPhase = Collections.unmodifiableMap(new LinkedHashMap<>(killsByPhase));
        requireNonNull(verification, "verification is null");
        requireNonNull(failure, "failure is null");
        requireNonNull(notes, "notes is null");
    }

    /** Whether the run finished and the sink holds exactly the reference. */
    boolean passed() {
        return failure.isEmpty() && verification.map(Verification::exact).orElse(false);
    }

    /** One line for the report. */
    String line() {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "%-7s %s  kills %d %s, %d batches committed, %.1f s: ",
                scenario, passed() ? "PASS" : "FAIL", kills, killsByPhase, batches, seconds));
        verification.ifPresent(v -> s.append(v.summary()));
        failure.ifPresent(f -> s.append(verification.isPresent() ? "; " : "").append("run failed: ").append(f));
        if (!notes.isEmpty()) {
            s.append(" (").append(notes).append(")");
        }
        verification.filter(v -> !v.exact()).ifPresent(v -> v.examples().forEach(e -> s.append("\n    ").append(e)));
        return s.toString();
    }
}
