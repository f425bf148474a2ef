package dev.sluice.jdbc.meta;

import java.sql.DatabaseMetaData;
import java.sql.Types;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.avatica.ColumnMetaData;
import org.apache.calcite.avatica.MetaImpl;

/** Sluice's SQL types and values as JDBC sees them. */
final class JdbcValues {
    private JdbcValues() {
    }

    /** The JDBC column of Sluice SQL type {@code type} ({@code BIGINT}, {@code VARCHAR}...). */
    static ColumnMetaData column(String name, int index, String type) {
        if (type.equals("TIMESTAMP")) {
            // As Calcite does: epoch milliseconds of the wall-clock time; Avatica's accessor makes the Timestamp
            // (a java.sql.Timestamp would not survive the remote protocol, which sends it as a number).
            return MetaImpl.columnMetaData(name, index, ColumnMetaData.scalar(Types.TIMESTAMP, "TIMESTAMP",
                    ColumnMetaData.Rep.LONG), DatabaseMetaData.columnNullable);
        }
        return MetaImpl.columnMetaData(name, index, javaClass(type), DatabaseMetaData.columnNullable);
    }

    /** The value class of a non-TIMESTAMP column (timestamps travel as epoch milliseconds, see {@link #column}). */
    private static Class<?> javaClass(String type) {
        return switch (type) {
            case "BOOLEAN" -> Boolean.class;
            case "INTEGER" -> Integer.class;
            case "BIGINT" -> Long.class;
            case "DOUBLE" -> Double.class;
            default -> String.class;
        };
    }

    static int sqlType(String type) {
        return switch (type) {
            case "BOOLEAN" -> Types.BOOLEAN;
            case "INTEGER" -> Types.INTEGER;
            case "BIGINT" -> Types.BIGINT;
            case "DOUBLE" -> Types.DOUBLE;
            case "TIMESTAMP" -> Types.TIMESTAMP;
            default -> Types.VARCHAR;
        };
    }

    /** A row of Sluice values with each timestamp (UTC) as its epoch milliseconds (see {@link #column}). */
    static List<Object> toJdbc(List<Object> row) {
        List<Object> out = new ArrayList<>(row.size());
        for (Object v : row) {
            out.add(v instanceof LocalDateTime t ? t.toInstant(ZoneOffset.UTC).toEpochMilli() : v);
        }
        return out;
    }
}
