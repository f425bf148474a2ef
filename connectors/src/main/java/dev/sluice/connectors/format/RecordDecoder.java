package dev.sluice.connectors.format;

import java.nio.ByteBuffer;
import java.util.List;
import org.apache.arrow.vector.FieldVector;
import org.apache.kafka.common.utils.Utils;

/**
 * Decodes serialized record values (e.g. Kafka record values) straight into Arrow vectors, one row at a
 * time, without building intermediate row objects.
 *
 * <p>A decoder is made for a table's declared columns and the subset of them to decode. It checks every
 * declared column of every record, decoded or not (cheaply: a column that is not decoded is not
 * materialised), so a record is malformed or not whatever columns a query reads, and a table's error
 * policy gives the same rows for {@code COUNT(*)} as for {@code COUNT(column)}.
 *
 * <p>Usage: {@link #bind} the vectors of a batch, then {@link #decode} each record into the next row.
 * The decoder never owns or closes the vectors. Not thread-safe: one decoder per reader.
 */
public interface RecordDecoder {
    /**
     * Directs later {@link #decode} calls at these vectors: one per decoded column, in the order of the
     * columns the decoder was created for, allocated by the caller.
     */
    void bind(List<? extends FieldVector> vectors);

    /**
     * Decodes a record value into row {@code row} of every bound vector (a column missing from the record
     * becomes NULL).
     *
     * @throws RecordDecoderException if the value can't be decoded, or a field of a column that is not
     *         decoded does not fit its column's type; the row is then left NULL in every
     *         bound vector, so the caller may reuse it for the next record
     */
    default void decode(byte[] value, int row) throws RecordDecoderException {
        decode(value, 0, value == null ? 0 : value.length, row);
    }

    /**
     * Decodes the record value in {@code bytes[offset, offset + length)}, as {@link #decode(byte[], int)};
     * {@code bytes} null is a null value.
     */
    void decode(byte[] bytes, int offset, int length, int row) throws RecordDecoderException;

    /**
     * Decodes the record value between {@code value}'s position and limit (null: a null value), as
     * {@link #decode(byte[], int)}, reading a heap buffer where it lies (Kafka hands record values as slices
     * of the fetched bytes); the buffer's position is left as it was.
     */
    default void decode(ByteBuffer value, int row) throws RecordDecoderException {
        if (value == null) {
            decode(null, 0, 0, row);
        } else if (value.hasArray()) {
            decode(value.array(), value.arrayOffset() + value.position(), value.remaining(), row);
        } else {
            byte[] copy = Utils.toArray(value);
            decode(copy, 0, copy.length, row);
        }
    }
}
