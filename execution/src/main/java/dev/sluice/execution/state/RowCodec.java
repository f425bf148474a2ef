package dev.sluice.execution.state;

import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.RowSchema;
import dev.sluice.execution.type.VectorValues;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;

/** Rows of a schema as bytes, for operators that keep whole rows in their state (a stream-stream join). */
public final class RowCodec {
    private RowCodec() {
    }

    /** {@code row} (values as {@link VectorValues#get} gives them) as bytes: per column a null flag, then the value. */
    public static byte[] encode(List<Object> row, RowSchema schema) {
        ByteArrayWriter out = new ByteArrayWriter();
        for (int i = 0; i < schema.size(); i++) {
            Object v = row.get(i);
            out.writeByte(v == null ? 0 : 1);
            if (v == null) {
                continue;
            }
            switch (schema.column(i).type()) {
                case BOOLEAN -> out.writeByte((Boolean) v ? 1 : 0);
                case INTEGER -> out.writeInt((Integer) v);
                case BIGINT -> out.writeLong((Long) v);
                case DOUBLE -> out.writeDouble((Double) v);
                case TIMESTAMP -> out.writeLong(VectorValues.toEpochMillis((LocalDateTime) v));
                case VARCHAR -> {
                    byte[] bytes = ((String) v).getBytes(StandardCharsets.UTF_8);
                    out.writeVarInt(bytes.length);
                    out.writeBytes(bytes);
                }
            }
        }
        return out.toByteArray();
    }

    /** Several rows of {@code schema} as one value: their count, then each row's length and bytes. */
    public static byte[] encodeRows(List<List<Object>> rows, RowSchema schema) {
        ByteArrayWriter out = new ByteArrayWriter();
        out.writeVarInt(rows.size());
        for (List<Object> row : rows) {
            byte[] bytes = encode(row, schema);
            out.writeVarInt(bytes.length);
            out.writeBytes(bytes);
        }
        return out.toByteArray();
    }

    /** The rows {@link #encodeRows} wrote. */
    public static List<List<Object>> decodeRows(byte[] bytes, RowSchema schema) {
        ByteArrayReader in = new ByteArrayReader(bytes);
        int count = in.readVarInt();
        List<List<Object>> rows = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            rows.add(decode(in.readBytes(in.readVarInt()), schema));
        }
        return rows;
    }

    /** The row {@link #encode} wrote. */
    public static List<Object> decode(byte[] bytes, RowSchema schema) {
        ByteArrayReader in = new ByteArrayReader(bytes);
        List<Object> row = new ArrayList<>(schema.size());
        for (int i = 0; i < schema.size(); i++) {
            if (in.readByte() == 0) {
                row.add(null);
                continue;
            }
            ColumnType type = schema.column(i).type();
            row.add(switch (type) {
                case BOOLEAN -> in.readByte() != 0;
                case INTEGER -> in.readInt();
                case BIGINT -> in.readLong();
                case DOUBLE -> in.readDouble();
                case TIMESTAMP -> VectorValues.toLocalDateTime(in.readLong());
                case VARCHAR -> new String(in.readBytes(in.readVarInt()), StandardCharsets.UTF_8);
            });
        }
        return row;
    }
}
