package dev.sluice.chaos;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rows a sink holds compared with the reference, as multisets of canonical rows.
 *
 * @param expected rows the reference has
 * @param found rows the sink has
 * @param duplicated copies of reference rows beyond the reference's count (a re-run batch written again)
 * @param missing reference rows the sink lacks (lost data)
 * @param unexpected rows the sink has that the reference has not at all (wrong values, e.g. a window counted
 *     twice shows as one missing and one unexpected row)
 * @param examples a few of the differing rows, for the report
 */
record Verification(long expected, long found, long duplicated, long missing, long unexpected, List<String> examples) {
    private static final int EXAMPLES = 5;

    Verification {
        examples = List.copyOf(examples);
    }

    /** Compares {@code found} with {@code expected} (both lists of canonical rows, any order). */
    static Verification of(List<String> expected, List<String> found) {
        requireNonNull(expected, "expected is null");
        requireNonNull(found, "found is null");
        Map<String, Integer> want = counts(expected);
        Map<String, Integer> have = counts(found);
        long duplicated = 0;
        long missing = 0;
        long unexpected = 0;
        List<String> examples = new ArrayList<>();
        Set<String> rows = new HashSet<>(want.keySet());
        rows.addAll(have.keySet());
        for (String row : rows.stream().sorted().toList()) {
            int w = want.getOrDefault(row, 0);
            int h = have.getOrDefault(row, 0);
            if (w == h) {
                continue;
            }
            if (w == 0) {
                unexpected += h;
            } else if (h > w) {
                duplicated += h - w;
            } else {
                missing += w - h;
            }
            if (examples.size() < EXAMPLES) {
                examples.add(row + " expected " + w + "x, found " + h + "x");
            }
        }
        return new Verification(expected.size(), found.size(), duplicated, missing, unexpected, examples);
    }

    private static Map<String, Integer> counts(List<String> rows) {
        Map<String, Integer> counts = new HashMap<>();
        rows.forEach(r -> counts.merge(r, 1, Integer::sum));
        return counts;
    }

    /** Whether the sink holds exactly the reference. */
    boolean exact() {
        return duplicated == 0 && missing == 0 && unexpected == 0 && expected == found;
    }

    /** {@code expected / found / duplicated / missing / unexpected}, as the report prints it. */
    String summary() {
        return "expected " + expected + " / found " + found + " / duplicated " + duplicated + " / missing " + missing
                + " / unexpected " + unexpected;
    }
}
