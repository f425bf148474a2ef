package dev.sluice.api;

import java.util.List;

/**
 * Where a {@link WindowSpec} starts, as Spark's {@code Window}:
 *
 * <pre>{@code
 * WindowSpec byPrice = Window.partitionBy("auction").orderBy(col("price").desc());
 * bids.withColumn("rn", row_number().over(byPrice)).where(col("rn").leq(3));
 * }</pre>
 */
public final class Window {
    private Window() {
    }

    /** A window partitioned by {@code keys}, to order with {@link WindowSpec#orderBy}. */
    public static WindowSpec partitionBy(Column... keys) {
        return new WindowSpec(List.of(keys), List.of());
    }

    public static WindowSpec partitionBy(String... keys) {
        return new WindowSpec(List.of(), List.of()).partitionBy(keys);
    }

    /** A window of all rows (one partition) ordered by {@code keys}. */
    public static WindowSpec orderBy(Column... keys) {
        return new WindowSpec(List.of(), List.of(keys));
    }

    public static WindowSpec orderBy(String... keys) {
        return new WindowSpec(List.of(), List.of()).orderBy(keys);
    }
}
