package dev.sluice.bench;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One measurement, as a child JVM prints it on one line:
 * {@code RESULT phase=q1 records=.. rows_out=.. seconds=.. rec_per_s=.. peak_rss_mb=..}.
 */
record PhaseResult(String phase, long records, long rowsOut, double seconds, long peakRssMb) {
    double recordsPerSecond() {
        return records / seconds;
    }

    String line() {
        return String.format(Locale.ROOT, "RESULT phase=%s records=%d rows_out=%d seconds=%.3f rec_per_s=%.0f peak_rss_mb=%d",
                phase, records, rowsOut, seconds, recordsPerSecond(), peakRssMb);
    }

    static PhaseResult parse(String line) {
        Map<String, String> kv = new HashMap<>();
        for (String part : line.substring("RESULT ".length()).split(" ")) {
            int eq = part.indexOf('=');
            kv.put(part.substring(0, eq), part.substring(eq + 1));
        }
        return new PhaseResult(kv.get("phase"), Long.parseLong(kv.get("records")), Long.parseLong(kv.get("rows_out")),
                Double.parseDouble(kv.get("seconds")), Long.parseLong(kv.get("peak_rss_mb")));
    }

    /** The process's peak resident set size so far (VmHWM), in MiB; -1 where /proc is not available. */
    static long currentPeakRssMb() {
        try {
            for (String l : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (l.startsWith("VmHWM:")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (java.io.IOException e) {
            return -1;
        }
        return -1;
    }
}
