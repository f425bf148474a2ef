package dev.sluice.execution.config;

import dev.sluice.execution.error.EngineException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The options of one scope (session, flow control, a connector's tables), each {@link OptionDef defined} once,
 * in the order the docs list them: Kafka's {@code ConfigDef}. Parsing validates every option set, once, with an
 * error naming the option; {@link #markdown()} and {@link #helpText} write the docs' table and HELP from the
 * same definitions. Immutable.
 */
public final class OptionTable {
    private final Map<String, OptionDef<?>> options;

    private OptionTable(Map<String, OptionDef<?>> options) {
        this.options = options;
    }

    public static OptionTable of(OptionDef<?>... definitions) {
        return of(List.of(definitions));
    }

    public static OptionTable of(Collection<OptionDef<?>> definitions) {
        Map<String, OptionDef<?>> options = new LinkedHashMap<>();
        for (OptionDef<?> d : definitions) {
            if (options.put(d.name(), d) != null) {
                throw new IllegalArgumentException("Option '" + d.name() + "' is defined twice");
            }
        }
        return new OptionTable(java.util.Collections.unmodifiableMap(options));
    }

    /** This table's options followed by {@code other}'s. */
    public OptionTable with(OptionTable other) {
        List<OptionDef<?>> all = new ArrayList<>(options.values());
        all.addAll(other.options.values());
        return of(all);
    }

    public Collection<OptionDef<?>> definitions() {
        return options.values();
    }

    public boolean contains(String name) {
        return options.containsKey(name);
    }

    public Optional<OptionDef<?>> definition(String name) {
        return Optional.ofNullable(options.get(name));
    }

    /**
     * Checks every option of this table that {@code values} sets (others are not this table's and are left
     * alone).
     *
     * @throws EngineException a user's error naming the first option with an invalid value
     */
    public void validate(Map<String, String> values) {
        values.forEach((name, value) -> {
            OptionDef<?> d = options.get(name);
            if (d != null && value != null) {
                d.parse(value);
            }
        });
    }

    /**
     * The value of {@code option} in {@code values}, parsed and checked, or its default.
     *
     * @throws EngineException a user's error naming the option if its value is invalid
     */
    public static <T> Optional<T> get(Map<String, String> values, OptionDef<T> option) {
        return get(values, option, "");
    }

    /** As {@link #get(Map, OptionDef)}, for an option of {@code owner} ({@code "table 'clicks'"}). */
    public static <T> Optional<T> get(Map<String, String> values, OptionDef<T> option, String owner) {
        String text = values.get(option.name());
        return text == null ? option.defaultValue() : Optional.of(option.parse(text, owner));
    }

    /** The names of the options, in order. */
    public java.util.Set<String> names() {
        return options.keySet();
    }

    /** The docs' table: option, default, meaning. */
    public String markdown() {
        StringBuilder b = new StringBuilder("| option | default | meaning |\n| --- | --- | --- |\n");
        for (OptionDef<?> d : options.values()) {
            // A default value as code; a default that is no value ("none", "required", "the session's") as words.
            String shown = d.defaultValue().isPresent() ? "`" + d.defaultText() + "`" : d.defaultText();
            b.append("| `").append(d.name()).append("` | ").append(shown).append(" | ")
                    .append(d.doc().replace("|", "\\|")).append(" |\n");
        }
        return b.toString();
    }

    /** HELP's lines: each option, padded to a column, with its default; {@code indent} before each line. */
    public String helpText(String indent) {
        int width = options.keySet().stream().mapToInt(String::length).max().orElse(0) + 2;
        StringBuilder b = new StringBuilder();
        for (OptionDef<?> d : options.values()) {
            b.append(indent).append(d.name()).append(" ".repeat(width - d.name().length()))
                    .append(d.requirement()).append("; default ").append(d.defaultText())
                    .append('\n');
        }
        return b.toString();
    }
}
