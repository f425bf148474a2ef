package dev.sluice.connectors.format;

import dev.sluice.execution.type.RowSchema;
import java.util.Optional;

/**
 * A format made for one table's columns and options by its {@link FormatFactory}: it decodes serialized
 * records into Arrow vectors and encodes rows into records, the same way for a Kafka record value (or key) and
 * for a line of a file. Immutable and thread-safe; the decoders and encoders it makes are not.
 */
public interface Format {
    /**
     * A decoder writing {@code decoded} (some of the format's columns, in the order of the vectors it will be
     * bound to) that checks every record against all the format's columns, so whether a record is malformed
     * never depends on which columns a query reads.
     *
     * @throws IllegalArgumentException if a column is not one of the format's
     */
    RecordDecoder decoder(RowSchema decoded);

    /**
     * An encoder of rows of {@code columns}, in that order (the format's columns, possibly led by others,
     * such as a changelog's {@code op} column).
     *
     * @throws UnsupportedOperationException if the format can only be read
     */
    RecordEncoder encoder(RowSchema columns);

    /** A line a file of this format starts with (CSV's column names), for {@code columns}; empty if none. */
    default Optional<byte[]> header(RowSchema columns) {
        return Optional.empty();
    }

    /** What ends each record in a file of lines. */
    default byte[] lineSeparator() {
        return new byte[] {'\n'};
    }
}
