package dev.sluice.connectors.format;

import java.util.List;

/**
 * A kind of record format ({@code 'format'='json'}, {@code 'csv'}, {@code 'raw'}), found through
 * {@link java.util.ServiceLoader} by its {@link #identifier()} (see {@link Formats}), as connectors are; used the
 * same way by every connector that reads or writes records (Kafka values and keys, lines of files). The model is
 * Flink's {@code DeserializationFormatFactory}/{@code SerializationFormatFactory}.
 *
 * <p>To add a format (Avro, Protobuf): implement this and {@link Format} in a module of its own, list the
 * factory in {@code META-INF/services/dev.sluice.connectors.format.FormatFactory}, and put the jar on the class
 * path; nothing else changes. Implementations are stateless and thread-safe.
 */
public interface FormatFactory {
    /** The value of the {@code format} (or {@code key.format}) option that selects this format. */
    String identifier();

    /**
     * Every option of the format, each named with the identifier and a dot ({@code 'csv.field-delimiter'}):
     * the one place they are declared. A table setting an option of the format that is not listed is refused.
     */
    List<FormatOption> options();

    /**
     * The format for the context's columns and options, checked.
     *
     * @throws IllegalArgumentException naming the table, the option or the column at fault
     */
    Format create(FormatContext context);
}
