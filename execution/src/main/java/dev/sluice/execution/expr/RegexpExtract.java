package dev.sluice.execution.expr;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.type.ColumnType;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * {@code REGEXP_EXTRACT(text, regex [, index])}, as in Flink SQL: group {@code index} (1 for the first group,
 * 0, the default, for the whole match) of the first match of the Java regular expression {@code regex}
 * anywhere in {@code text}; NULL if there is no match or the group took no part in it.
 *
 * <p>The regex is a constant, compiled once when the query is planned: an invalid one fails construction
 * with {@link IllegalArgumentException} naming the function and the regex. A constant index outside {@code
 * [0, groups]} fails too (Flink gives NULL on every row); an index read from a column gives NULL there.
 */
public final class RegexpExtract extends RowFunction {
    private final String regex;
    private final Pattern pattern;

    public RegexpExtract(PhysicalExpr text, String regex, PhysicalExpr index) {
        super("REGEXP_EXTRACT", ColumnType.VARCHAR, List.of(text, index));
        this.regex = requireNonNull(regex, "regex is null");
        TypeCoercion.require(text, ColumnType.VARCHAR, "REGEXP_EXTRACT");
        if (index.type() != ColumnType.INTEGER && index.type() != ColumnType.BIGINT) {
            throw new IllegalArgumentException("The index of REGEXP_EXTRACT must be an integer, got " + index.type()
                    + " (" + index + ")");
        }
        try {
            this.pattern = Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("Invalid regular expression '" + regex + "' in REGEXP_EXTRACT: "
                    + e.getDescription() + " near index " + e.getIndex(), e);
        }
        if (index instanceof Literal literal && !literal.isNull()) {
            long i = ((Number) literal.value()).longValue();
            int groups = pattern.matcher("").groupCount();
            if (i < 0 || i > groups) {
                throw new IllegalArgumentException("The group index " + i + " of REGEXP_EXTRACT is not in [0, " + groups
                        + "]: the regular expression '" + regex + "' has " + groups + " group(s)");
            }
        }
    }

    @Override
    void compute(Operand[] args, int row, VectorWriter out) {
        long index = args[1].type() == ColumnType.INTEGER ? args[1].getInt(row) : args[1].getLong(row);
        Matcher matcher = pattern.matcher(args[0].getString(row));
        String group = matcher.find() && index >= 0 && index <= matcher.groupCount() ? matcher.group((int) index) : null;
        if (group == null) {
            out.setNull(row);
        } else {
            out.setString(row, group);
        }
    }

    @Override
    public String toString() {
        return "REGEXP_EXTRACT(" + arguments().get(0) + ", " + new Literal(regex, ColumnType.VARCHAR) + ", "
                + arguments().get(1) + ")";
    }
}
