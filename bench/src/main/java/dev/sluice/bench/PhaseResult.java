package dev.sluice.bench;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One measurement, as a child JVM prints it on one line:
 * {@code RESULT phase=q1 records=.. rows_out=.. seconds=.. rec_per_s=.. peak_rss_mb=.. cpu_s=.. startup_s=..}.
 * {@code cpu_s} is the CPU time of the whole child JVM (start-up, JIT and GC threads included): on a machine shared
 * with other work, CPU per record varies less than records per second. {@code startup_s} is the part of
 * {@code seconds} before the first record was read: a query's planning and opening until its first batch started
 * (0 for the read ceilings, whose consumers are made before their clock starts).
 */
record PhaseResult(String phase, long records, long rowsOut, double seconds, long peakRssMb, double cpuSeconds,
                   double startupSeconds) {
    /** A result measured now, in this JVM: its CPU time so far. */
    PhaseResult(String phase, long records, long rowsOut, double seconds, long peakRssMb, double startupSeconds) {
        this(phase, records, rowsOut, seconds, peakRssMb, currentCpuSeconds(), startupSeconds);
    }

    /** A measurement without start-up. */
    PhaseResult(String phase, long records, long rowsOut, double seconds, long peakRssMb) {
        this(phase, records, rowsOut, seconds, peakRssMb, 0);
    }

    /** CPU microseconds of this JVM per record read. */
    double cpuMicrosPerRecord() {
        return cpuSeconds * 1e6 / records;
    }

    static double currentCpuSeconds() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() / 1e9 : -1;
    }

    double recordsPerSecond() {
        return records / seconds;
    }

    /** Records per second once the query runs: start-up left out. */
    double recordsPerSecondRunning() {
        return records / (seconds - startupSeconds);
    }

    String line() {
        return String.format(Locale.ROOT, "RESULT phase=%s records=%d rows_out=%d seconds=%.3f rec_per_s=%.0f peak_rss_mb=%d "
                + "cpu_s=%.2f startup_s=%.3f", phase, records, rowsOut, seconds, recordsPerSecond(), peakRssMb, cpuSeconds,
                startupSeconds);
    }

    static PhaseResult parse(String line) {
        Map<String, String> kv = new HashMap<>();
        for (String part : line.substring("RESULT ".length()).split(" ")) {
            int eq = part.indexOf('=');
            kv.put(part.substring(0, eq), part.substring(eq + 1));
        }
        return new PhaseResult(kv.get("phase"), Long.parseLong(kv.get("records")), Long.parseLong(kv.get("rows_out")),
                Double.parseDouble(kv.get("seconds")), Long.parseLong(kv.get("peak_rss_mb")),
                Double.parseDouble(kv.getOrDefault("cpu_s", "-1")), Double.parseDouble(kv.getOrDefault("startup_s", "0")));
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
