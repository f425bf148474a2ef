package dev.sluice.execution.config;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.error.EngineException;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * One option, defined once: its name (public API), type, default, validator and documentation, as an entry of
 * Kafka's {@code ConfigDef}. {@link OptionTable} gathers the options of one scope; HELP, {@code SET}'s listing
 * and the docs' option tables are written from these definitions.
 *
 * @param name the option's name, as users write it
 * @param type how its value parses
 * @param defaultValue its value when not set; empty when unset means "none" (no limit, not used...)
 * @param defaultText the default as the docs show it ({@code "15 s"}, {@code "none"})
 * @param validator what a parsed value must satisfy, beyond its type
 * @param requirement what {@code validator} asks, for the error message ({@code "a positive whole number"})
 * @param doc what the option does and its trade-off
 * @param <T> the parsed value's Java type
 */
public record OptionDef<T>(String name, OptionType<T> type, Optional<T> defaultValue, String defaultText,
                           Predicate<T> validator, String requirement, String doc) {
    public OptionDef {
        requireNonNull(name, "name is null");
        requireNonNull(type, "type is null");
        requireNonNull(defaultValue, "defaultValue is null");
        requireNonNull(defaultText, "defaultText is null");
        requireNonNull(validator, "validator is null");
        requireNonNull(requirement, "requirement is null");
        requireNonNull(doc, "doc is null");
    }

    /** An option of type {@code type} with no default, any value of the type being valid. */
    public static <T> OptionDef<T> of(String name, OptionType<T> type, String doc) {
        return new OptionDef<>(name, type, Optional.empty(), "none", value -> true, type.description(), doc);
    }

    /** This option with a default, shown in the docs as {@code defaultText}. */
    public OptionDef<T> withDefault(T value, String text) {
        return new OptionDef<>(name, type, Optional.of(value), text, validator, requirement, doc);
    }

    /** This option with its default shown in the docs as {@code text} (e.g. "derived from the statement"). */
    public OptionDef<T> withDefaultText(String text) {
        return new OptionDef<>(name, type, defaultValue, text, validator, requirement, doc);
    }

    /** This option, whose values must also satisfy {@code check}, described as {@code requirement}. */
    public OptionDef<T> validatedBy(Predicate<T> check, String requirement) {
        return new OptionDef<>(name, type, defaultValue, defaultText, check, requirement, doc);
    }

    /**
     * The value {@code text} stands for.
     *
     * @throws EngineException a user's error naming the option, the value and what it must be
     */
    public T parse(String text) {
        return parse(text, "");
    }

    /**
     * The value {@code text} stands for, as an option of {@code owner} ({@code "table 'clicks'"}).
     *
     * @throws EngineException a user's error naming the option, its owner, the value and what it must be
     */
    public T parse(String text, String owner) {
        Optional<T> value = type.parse(text);
        if (value.isEmpty() || !validator.test(value.get())) {
            throw EngineException.userError("Invalid value '" + text + "' for option '" + name + "'"
                    + (owner.isEmpty() ? "" : " of " + owner) + ": expected " + requirement);
        }
        return value.get();
    }
}
