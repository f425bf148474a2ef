package dev.sluice.execution.expr;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.type.ColumnType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * {@code value LIKE pattern [ESCAPE escape]}, case-sensitive: {@code %} matches any run of characters,
 * {@code _} exactly one, and the escape character makes the next {@code %}, {@code _} or itself literal.
 * NULL if the value or pattern is NULL.
 *
 * <p>A constant pattern is compiled once (an invalid one fails construction with
 * {@link IllegalArgumentException}; one read from a column fails evaluation with {@link ExpressionException}). Patterns of the form {@code abc}, {@code abc%}, {@code %abc} and
 * {@code %abc%} are matched on the UTF-8 bytes without decoding; others use a regular expression.
 */
public final class Like implements CompositeExpr {
    private final PhysicalExpr value;
    private final PhysicalExpr pattern;
    private final Character escape;
    private final Matcher constantMatcher;

    /** {@code escape} is null for no escape character. */
    public Like(PhysicalExpr value, PhysicalExpr pattern, Character escape) {
        this.value = requireNonNull(value, "value is null");
        this.pattern = requireNonNull(pattern, "pattern is null");
        this.escape = escape;
        TypeCoercion.require(value, ColumnType.VARCHAR, "LIKE");
        TypeCoercion.require(pattern, ColumnType.VARCHAR, "LIKE");
        try {
            this.constantMatcher = pattern instanceof Literal literal && !literal.isNull()
                    ? Matcher.compile((String) literal.value(), escape) : null;
        } catch (ExpressionException e) {
            // A constant pattern is checked when the query is planned.
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    @Override
    public ColumnType type() {
        return ColumnType.BOOLEAN;
    }

    @Override
    public List<PhysicalExpr> children() {
        return List.of(value, pattern);
    }

    @Override
    public FieldVector evaluate(VectorSchemaRoot batch, BufferAllocator allocator) {
        int rows = batch.getRowCount();
        try (Operand in = Operand.of(value, batch, allocator);
             Operand patterns = Operand.of(pattern, batch, allocator);
             VectorWriter out = VectorWriter.allocate(ColumnType.BOOLEAN, rows, allocator)) {
            Matcher matcher = constantMatcher;
            String matcherPattern = null;
            long bytes = in.bytesAddress();
            for (int w = 0, words = Bits.words(rows); w < words; w++) {
                int base = w << 6;
                int end = Math.min(64, rows - base);
                long valid = in.validityWord(w, rows) & patterns.validityWord(w, rows);
                long word = 0;
                for (int j = 0; j < end; j++) {
                    int row = base + j;
                    if ((valid & (1L << j)) == 0) {
                        continue;
                    }
                    if (constantMatcher == null) {
                        String text = patterns.getString(row);
                        if (!text.equals(matcherPattern)) {
                            matcher = Matcher.compile(text, escape);
                            matcherPattern = text;
                        }
                    }
                    int start = in.start(row);
                    if (matcher.matches(bytes + start, in.end(row) - start)) {
                        word |= 1L << j;
                    }
                }
                Bits.writeWord(out.validityAddress(), w, valid);
                Bits.writeWord(out.dataAddress(), w, word);
            }
            return out.finish();
        }
    }

    /** A compiled pattern. */
    private static final class Matcher {
        private enum Kind { EXACT, PREFIX, SUFFIX, CONTAINS, ANYTHING, REGEX }

        private final Kind kind;
        private final byte[] text;
        private final Pattern regex;

        private Matcher(Kind kind, String text, Pattern regex) {
            this.kind = kind;
            this.text = text == null ? null : text.getBytes(StandardCharsets.UTF_8);
            this.regex = regex;
        }

        static Matcher compile(String pattern, Character escape) {
            // Split into literal runs and wildcards ('%' and '_' as tokens, null for a literal run).
            List<String> literals = new ArrayList<>();
            List<Character> wildcards = new ArrayList<>();
            StringBuilder run = new StringBuilder();
            for (int i = 0; i < pattern.length(); i++) {
                char c = pattern.charAt(i);
                if (escape != null && c == escape) {
                    if (i + 1 == pattern.length()) {
                        throw new ExpressionException("Invalid LIKE pattern '" + pattern + "': it ends with the escape character");
                    }
                    char next = pattern.charAt(++i);
                    if (next != '%' && next != '_' && next != escape) {
                        throw new ExpressionException("Invalid LIKE pattern '" + pattern + "': escape character before '"
                                + next + "'");
                    }
                    run.append(next);
                } else if (c == '%' || c == '_') {
                    if (c == '%' && !wildcards.isEmpty() && run.length() == 0 && wildcards.get(wildcards.size() - 1) == '%') {
                        continue;
                    }
                    literals.add(run.toString());
                    wildcards.add(c);
                    run.setLength(0);
                } else {
                    run.append(c);
                }
            }
            literals.add(run.toString());
            // literals.size() == wildcards.size() + 1: literal, wildcard, literal, ..., literal.
            if (!wildcards.contains('_')) {
                int n = wildcards.size();
                if (n == 0) {
                    return new Matcher(Kind.EXACT, literals.get(0), null);
                }
                if (n == 1 && literals.get(0).isEmpty() && literals.get(1).isEmpty()) {
                    return new Matcher(Kind.ANYTHING, null, null);
                }
                if (n == 1 && literals.get(1).isEmpty()) {
                    return new Matcher(Kind.PREFIX, literals.get(0), null);
                }
                if (n == 1 && literals.get(0).isEmpty()) {
                    return new Matcher(Kind.SUFFIX, literals.get(1), null);
                }
                if (n == 2 && literals.get(0).isEmpty() && literals.get(2).isEmpty()) {
                    return new Matcher(Kind.CONTAINS, literals.get(1), null);
                }
            }
            StringBuilder regex = new StringBuilder();
            for (int i = 0; i < literals.size(); i++) {
                if (!literals.get(i).isEmpty()) {
                    regex.append(Pattern.quote(literals.get(i)));
                }
                if (i < wildcards.size()) {
                    regex.append(wildcards.get(i) == '%' ? ".*" : ".");
                }
            }
            return new Matcher(Kind.REGEX, null, Pattern.compile(regex.toString(), Pattern.DOTALL));
        }

        boolean matches(long address, int length) {
            return switch (kind) {
                case EXACT -> length == text.length && Utf8.regionMatches(address, text);
                case PREFIX -> length >= text.length && Utf8.regionMatches(address, text);
                case SUFFIX -> length >= text.length && Utf8.regionMatches(address + length - text.length, text);
                case CONTAINS -> Utf8.indexOf(address, length, text, 0) >= 0;
                case ANYTHING -> true;
                case REGEX -> {
                    byte[] bytes = new byte[length];
                    org.apache.arrow.memory.util.MemoryUtil.copyFromMemory(address, bytes, 0, length);
                    yield regex.matcher(new String(bytes, StandardCharsets.UTF_8)).matches();
                }
            };
        }
    }

    @Override
    public String toString() {
        return "(" + value + " LIKE " + pattern
                + (escape == null ? "" : " ESCAPE " + new Literal(String.valueOf(escape), ColumnType.VARCHAR)) + ")";
    }
}
