package dev.sluice.chaos;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How long a batch spent in each phase after it started, as its progress reported them: reading and operators
 * ({@code process}), writing to the sink ({@code sink}), then state and commit marker ({@code commit}).
 */
record BatchTimes(long processMillis, long sinkMillis, long commitMillis) {
    private static final Pattern PHASE = Pattern.compile("(\\w+)=(\\d+)");

    /** From the text of a progress's {@code durationMillis} map, e.g. {@code {process=12, sink=3, commit=4}}. */
    static BatchTimes parse(String durations) {
        Map<String, Long> phases = new HashMap<>();
        Matcher m = PHASE.matcher(durations);
        while (m.find()) {
            phases.put(m.group(1), Long.parseLong(m.group(2)));
        }
        return new BatchTimes(phases.getOrDefault("process", 0L), phases.getOrDefault("sink", 0L),
                phases.getOrDefault("commit", 0L));
    }

    long totalMillis() {
        return processMillis + sinkMillis + commitMillis;
    }
}
