package dev.sluice.execution.config;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.stream.Trigger;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * The type of an option's value: how its text parses and how the docs name it (Kafka's {@code ConfigDef.Type},
 * with the duration text Sluice's users write: {@code 15 s}, {@code 500 ms}, {@code 5 min}).
 *
 * @param <T> the parsed value's Java type
 */
public final class OptionType<T> {
    /** Any text (trimmed). */
    public static final OptionType<String> STRING = new OptionType<>("text", String::strip);
    /** {@code true} or {@code false}, in any case. */
    public static final OptionType<Boolean> BOOLEAN = new OptionType<>("true or false", text ->
            switch (text.strip().toLowerCase(Locale.ROOT)) {
                case "true" -> true;
                case "false" -> false;
                default -> null;
            });
    /** A whole number; {@code _} may group digits ({@code 100_000}). */
    public static final OptionType<Long> LONG = new OptionType<>("a whole number", text -> {
        try {
            return Long.parseLong(text.strip().replace("_", ""));
        } catch (NumberFormatException e) {
            return null;
        }
    });
    /** A duration: {@code 15 s}, {@code 500 ms}, {@code 1 min}, {@code 10 seconds}. */
    public static final OptionType<Duration> DURATION = new OptionType<>("a duration such as '15 s' or '500 ms'",
            text -> {
                try {
                    return Trigger.parse(text).interval();
                } catch (RuntimeException e) {
                    return null;
                }
            });
    /** A size in bytes: a number, or one with B, KB, MB, GB (powers of 1024; case and spaces ignored). */
    public static final OptionType<Long> BYTES = new OptionType<>("a size such as '512 MB' or '2 GB'", text -> {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9][0-9_]*)\\s*([kmg]?b?)")
                .matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            return null;
        }
        try {
            long n = Long.parseLong(m.group(1).replace("_", ""));
            int shift = switch (m.group(2).isEmpty() ? 'b' : m.group(2).charAt(0)) {
                case 'k' -> 10;
                case 'm' -> 20;
                case 'g' -> 30;
                default -> 0;
            };
            return n <= (Long.MAX_VALUE >> shift) ? n << shift : null;
        } catch (NumberFormatException e) {
            return null;
        }
    });

    private final String description;
    /** Parses the text; null when it is not of this type. */
    private final Function<String, T> parser;

    private OptionType(String description, Function<String, T> parser) {
        this.description = requireNonNull(description, "description is null");
        this.parser = requireNonNull(parser, "parser is null");
    }

    /** One of {@code choices} (compared without case), as written in the list. */
    public static OptionType<String> oneOf(String... choices) {
        List<String> list = List.of(choices);
        return new OptionType<>(quoted(list), text -> list.stream()
                .filter(c -> c.equalsIgnoreCase(text.strip())).findFirst().orElse(null));
    }

    /** What a value of this type looks like, for error messages and docs ({@code "a whole number"}). */
    public String description() {
        return description;
    }

    /** The value {@code text} stands for, or empty if it is not one of this type. */
    public Optional<T> parse(String text) {
        return Optional.ofNullable(parser.apply(requireNonNull(text, "text is null")));
    }

    private static String quoted(List<String> choices) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < choices.size(); i++) {
            b.append(i == 0 ? "" : i == choices.size() - 1 ? " or " : ", ").append('\'').append(choices.get(i)).append('\'');
        }
        return b.toString();
    }
}
