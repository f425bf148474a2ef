package dev.sluice.execution.stream;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When a continuous query runs its next micro-batch.
 *
 * <ul>
 *   <li>{@code PROCESSING_TIME}: every {@code interval} (default 1 s); a batch that takes longer than
 *       the interval is followed at once by the next, never by a pile-up of batches;</li>
 *   <li>{@code ONCE}: one batch with everything available, then stop;</li>
 *   <li>{@code AVAILABLE_NOW}: everything available when the query starts, possibly in several batches
 *       (when rate limits apply), then stop.</li>
 * </ul>
 * Both end with a batch without new input when their last batch moved the watermark of a query that
 * closes windows or cleans join state with it (see {@link MicroBatchExecution}).
 */
public record Trigger(Kind kind, Duration interval) {
    public enum Kind { PROCESSING_TIME, ONCE, AVAILABLE_NOW }

    public static final Trigger DEFAULT = processingTime(Duration.ofSeconds(1));

    private static final Pattern DURATION = Pattern.compile(
            "(\\d+)\\s*(ms|milliseconds?|s|secs?|seconds?|m|mins?|minutes?)");

    public Trigger {
        requireNonNull(kind, "kind is null");
        requireNonNull(interval, "interval is null");
        if (interval.isNegative()) {
            throw new IllegalArgumentException("Trigger interval must not be negative");
        }
    }

    public static Trigger processingTime(Duration interval) {
        return new Trigger(Kind.PROCESSING_TIME, interval);
    }

    public static Trigger once() {
        return new Trigger(Kind.ONCE, Duration.ZERO);
    }

    public static Trigger availableNow() {
        return new Trigger(Kind.AVAILABLE_NOW, Duration.ZERO);
    }

    /**
     * Parses {@code once}, {@code available-now}, or an interval such as {@code 1 s}, {@code 500 ms},
     * {@code 10 seconds}, {@code 2 min} (optionally prefixed by {@code processing-time:}).
     */
    public static Trigger parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("once")) {
            return once();
        }
        if (t.equals("available-now") || t.equals("availablenow") || t.equals("available_now")) {
            return availableNow();
        }
        if (t.startsWith("processing-time:")) {
            t = t.substring("processing-time:".length()).trim();
        }
        Matcher m = DURATION.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException("Invalid trigger '" + text
                    + "': expected 'once', 'available-now' or an interval such as '1 s' or '500 ms'");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2);
        Duration d = unit.startsWith("ms") || unit.startsWith("milli") ? Duration.ofMillis(n)
                : unit.startsWith("m") ? Duration.ofMinutes(n) : Duration.ofSeconds(n);
        return processingTime(d);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case ONCE -> "once";
            case AVAILABLE_NOW -> "available-now";
            case PROCESSING_TIME -> "processing-time " + interval.toMillis() + " ms";
        };
    }
}
