package dev.sluice.connectors.format;

import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Encodes rows of Arrow batches into serialized records (a Kafka record's value or key, a line of a file).
 * Made by a {@link Format} for the columns to encode, which the batches hold in that order. Not thread-safe.
 */
public interface RecordEncoder {
    /**
     * The record of row {@code row} of {@code root}; null for a row the format writes as no value at all (a
     * raw format's NULL), which a Kafka topic stores as a null value.
     */
    byte[] encode(VectorSchemaRoot root, int row);
}
