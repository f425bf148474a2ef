package dev.sluice.execution.stream;

import static java.util.Objects.requireNonNull;

/**
 * A query waiting for a source or sink that can't be reached, after a failed attempt to plan or run a
 * batch (see {@link OutageRetry}).
 *
 * @param unreachable what can't be reached, as its connector names it, e.g. {@code Kafka at 'host:9092'}
 * @param action what failed: {@code planning batch 7}, {@code running batch 7}
 * @param attempt failed attempts so far in this outage, 1 for the first
 * @param downMillis time since the first failed attempt of this outage started
 * @param limitMillis how long the query waits in all ({@code outageTimeout})
 * @param retryInMillis wait before the next attempt
 * @param reason the last failure's message
 */
public record Outage(String unreachable, String action, int attempt, long downMillis, long limitMillis,
                     long retryInMillis, String reason) {
    public Outage {
        requireNonNull(unreachable, "unreachable is null");
        requireNonNull(action, "action is null");
        requireNonNull(reason, "reason is null");
    }

    /** One line for status and logs: what the query waits for, since when, until when, and why. */
    public String describe() {
        return "waiting for " + unreachable + ": " + action + " failed " + attempt + " time(s) over "
                + seconds(downMillis) + "; next attempt in " + seconds(retryInMillis) + ", giving up after "
                + seconds(limitMillis) + " (outageTimeout). Last error: " + reason;
    }

    private static String seconds(long millis) {
        return millis < 10_000 ? String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0) : millis / 1000 + " s";
    }
}
