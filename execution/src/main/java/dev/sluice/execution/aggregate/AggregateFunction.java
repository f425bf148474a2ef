package dev.sluice.execution.aggregate;

/** The aggregate functions hash aggregation computes, with SQL's NULL semantics. */
public enum AggregateFunction {
    /** {@code COUNT(*)}: rows, NULLs included; 0 for no rows. */
    COUNT_STAR("COUNT(*)"),
    /** {@code COUNT(x)}: non-NULL values; 0 for none. */
    COUNT("COUNT"),
    /** {@code COUNT(DISTINCT x)}: distinct non-NULL values; 0 for none. Keeps every distinct value in state. */
    COUNT_DISTINCT("COUNT(DISTINCT)"),
    /** {@code SUM(x)} over INTEGER, BIGINT (as BIGINT, failing on overflow) or DOUBLE; NULL for no values. */
    SUM("SUM"),
    /** {@code AVG(x)} over INTEGER, BIGINT or DOUBLE; NULL for no values. */
    AVG("AVG"),
    /** {@code MIN(x)} over INTEGER, BIGINT, DOUBLE, VARCHAR (by UTF-8 bytes) or TIMESTAMP; NULL for no values. */
    MIN("MIN"),
    /** {@code MAX(x)}, as {@link #MIN}. */
    MAX("MAX");

    private final String sqlName;

    AggregateFunction(String sqlName) {
        this.sqlName = sqlName;
    }

    public String sqlName() {
        return sqlName;
    }
}
