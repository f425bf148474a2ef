package dev.sluice.execution.plan;

/**
 * The kinds of join of two inputs: which rows without a match are kept (null-padded), and whether the output
 * has the pairs or only the left side's rows (semi and anti joins, from {@code IN}/{@code EXISTS} and
 * {@code NOT EXISTS} subqueries).
 */
public enum JoinType {
    /** The pairs that match. */
    INNER,
    /** The pairs, and each left row without a match padded with NULLs. */
    LEFT,
    /** The pairs, and each right row without a match padded with NULLs. */
    RIGHT,
    /** The pairs, and the rows of either side without a match padded with NULLs. */
    FULL,
    /** Each left row that has at least one match, once (its columns only). */
    SEMI,
    /** Each left row that has no match (its columns only). */
    ANTI;

    /** Whether a left row without a match is emitted (padded, or alone for an anti join). */
    public boolean keepsUnmatchedLeft() {
        return this == LEFT || this == FULL || this == ANTI;
    }

    /** Whether a right row without a match is emitted, padded. */
    public boolean keepsUnmatchedRight() {
        return this == RIGHT || this == FULL;
    }

    /** Whether the output is the pairs (left columns, then right columns), not the left rows alone. */
    public boolean emitsPairs() {
        return this != SEMI && this != ANTI;
    }

    /** As SQL writes it: {@code LEFT OUTER JOIN}, {@code SEMI JOIN}, ... */
    public String sql() {
        return switch (this) {
            case INNER -> "INNER JOIN";
            case LEFT, RIGHT, FULL -> name() + " OUTER JOIN";
            case SEMI -> "SEMI JOIN (IN / EXISTS)";
            case ANTI -> "ANTI JOIN (NOT EXISTS)";
        };
    }
}
