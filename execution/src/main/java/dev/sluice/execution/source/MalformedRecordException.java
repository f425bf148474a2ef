package dev.sluice.execution.source;

import dev.sluice.execution.error.ErrorType;

/**
 * A record that can't be decoded into the table's columns. The message names the table, the partition,
 * the offset and the reason, so the user can find the record.
 */
public final class MalformedRecordException extends SourceException {
    private final SourcePartition partition;
    private final long offset;

    public MalformedRecordException(String table, SourcePartition partition, long offset, String reason) {
        super(ErrorType.USER_ERROR, "Malformed record in table '" + table + "' at " + partition + " offset " + offset + ": " + reason);
        this.partition = partition;
        this.offset = offset;
    }

    public SourcePartition partition() {
        return partition;
    }

    public long offset() {
        return offset;
    }
}
