package dev.sluice.connectors.format;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.error.EngineException;
import dev.sluice.execution.error.ErrorType;
import dev.sluice.execution.type.RowSchema;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;

/**
 * The formats on the class path, by identifier ({@link FormatFactory}s found through {@link ServiceLoader}), and
 * how a connector makes one from a table's options. Thread-safe.
 */
public final class Formats {
    private static final Map<String, FormatFactory> FACTORIES = load();

    private Formats() {
    }

    private static Map<String, FormatFactory> load() {
        Map<String, FormatFactory> found = new TreeMap<>();
        for (FormatFactory f : ServiceLoader.load(FormatFactory.class, Formats.class.getClassLoader())) {
            FormatFactory previous = found.put(f.identifier(), f);
            if (previous != null) {
                throw new IllegalStateException("Two formats are named '" + f.identifier() + "': "
                        + previous.getClass().getName() + " and " + f.getClass().getName());
            }
        }
        return Map.copyOf(found);
    }

    /** The identifiers of the formats on the class path, sorted. */
    public static Set<String> identifiers() {
        return new java.util.TreeSet<>(FACTORIES.keySet());
    }

    /**
     * The factory of a format, by identifier (case-insensitive).
     *
     * @param option the option naming it ({@code format}, {@code key.format}), for the message
     * @throws EngineException (a user error) naming the table, the option and the known formats if there is none
     */
    public static FormatFactory factory(String table, String option, String identifier) {
        FormatFactory f = FACTORIES.get(identifier.trim().toLowerCase(Locale.ROOT));
        if (f == null) {
            throw EngineException.userError("Unsupported format '" + identifier + "' for table '" + table
                    + "' (option '" + option + "'; supported: " + String.join(", ", identifiers()) + ")");
        }
        return f;
    }

    /**
     * The format named by option {@code option} of a table, made for {@code columns} with the table's options of
     * that format: those named {@code prefix + identifier + "."} ({@code 'csv.field-delimiter'} for the value,
     * {@code 'key.csv.field-delimiter'} for a Kafka key with prefix {@code "key."}).
     *
     * @param what what the format encodes, for messages: {@code "value"} or {@code "key"}
     * @throws EngineException (a user error) naming the table and the option at fault: an unknown format, an option
     *         the format does not declare, a value it refuses, or columns it can't hold
     */
    public static Format create(String table, String what, String option, String identifier, RowSchema columns,
                                Map<String, String> tableOptions, String prefix) {
        requireNonNull(tableOptions, "tableOptions is null");
        FormatFactory factory = factory(table, option, identifier);
        String own = prefix + factory.identifier() + ".";
        Set<String> declared = new java.util.TreeSet<>();
        factory.options().forEach(o -> declared.add(o.key()));
        Map<String, String> options = new HashMap<>();
        for (Map.Entry<String, String> e : tableOptions.entrySet()) {
            for (FormatFactory other : FACTORIES.values()) {
                if (other != factory && e.getKey().startsWith(prefix + other.identifier() + ".")) {
                    throw EngineException.userError("Option '" + e.getKey() + "' of table '" + table + "' is an "
                            + "option of format '" + other.identifier() + "', but the table's " + what + " format is '"
                            + factory.identifier() + "' (option '" + option + "')");
                }
            }
            if (e.getKey().startsWith(own)) {
                String key = e.getKey().substring(prefix.length());
                if (!declared.contains(key)) {
                    throw EngineException.userError("Unknown option '" + e.getKey() + "' for table '" + table
                            + "' (format '" + factory.identifier() + "' takes " + (declared.isEmpty() ? "no options"
                            : declared.stream().map(k -> prefix + k).toList()) + ")");
                }
                options.put(key, e.getValue());
            }
        }
        try {
            return factory.create(new FormatContext(table, what, columns, options));
        } catch (IllegalArgumentException e) {
            throw new EngineException(ErrorType.USER_ERROR, e.getMessage(), e);  // the format refused the table's options
        }
    }

    /**
     * The option prefixes of the formats on the class path that take options ({@code "csv."}, ...), after
     * {@code prefix}: what a connector lets through to {@link #create}, which checks each option.
     */
    public static List<String> optionPrefixes(String prefix) {
        return FACTORIES.values().stream().filter(f -> !f.options().isEmpty())
                .map(f -> prefix + f.identifier() + ".").sorted().toList();
    }
}
