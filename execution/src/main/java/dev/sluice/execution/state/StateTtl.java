package dev.sluice.execution.state;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code state.ttl} option: how long an operator whose state nothing else bounds (a regular join of two
 * streams) keeps a row after it last wrote it, as Flink's {@code table.exec.state.ttl}. Time is counted in the
 * batches' logged times, never the wall clock, so a re-run batch forgets exactly what it forgot the first time.
 */
public final class StateTtl {
    /** The option's name, a session option ({@code SET state.ttl = '1 h'}) or a query's option. */
    public static final String OPTION = "state.ttl";

    private static final Pattern DURATION = Pattern.compile(
            "(\\d+)\\s*(ms|milliseconds?|s|secs?|seconds?|m|mins?|minutes?|h|hours?|d|days?)");

    private StateTtl() {
    }

    /**
     * Parses a duration such as {@code 1 h}, {@code 30 min}, {@code 10 s}, {@code 500 ms}, {@code 7 d}.
     *
     * @throws IllegalArgumentException naming the option and the text when it is not a positive duration
     */
    public static Duration parse(String text) {
        Matcher m = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
            throw new IllegalArgumentException("Invalid " + OPTION + " '" + text + "': expected a positive duration "
                    + "such as '1 h', '30 min', '10 s' or '500 ms'");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2);
        if (unit.startsWith("ms") || unit.startsWith("milli")) {
            return Duration.ofMillis(n);
        }
        return switch (unit.charAt(0)) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }
}
