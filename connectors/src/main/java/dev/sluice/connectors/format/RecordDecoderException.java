package dev.sluice.connectors.format;

import static java.util.Objects.requireNonNull;

/**
 * A record value that can't be decoded. The message is the reason only (e.g. {@code column 'amount'
 * (DOUBLE): expected a number, found string "abc"}); the caller adds where the record is (table,
 * partition, offset).
 *
 * <p>Checked, so readers must decide what a bad record means (fail, skip, dead-letter). Carries no stack
 * trace: bad records may be frequent under a skipping policy, and the trace would always be the decoder's.
 */
public final class RecordDecoderException extends Exception {
    public RecordDecoderException(String reason) {
        super(requireNonNull(reason, "reason is null"), null, false, false);
    }

    /** Why the record can't be decoded. */
    public String reason() {
        return getMessage();
    }
}
