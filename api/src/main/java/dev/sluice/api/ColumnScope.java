package dev.sluice.api;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.tools.RelBuilder;

/**
 * The columns a {@link Column} can name where it is used: the fields of one DataFrame, or of both sides of a
 * join. Names match case-insensitively, as in SQL; {@code alias.name} picks the side of a join.
 */
final class ColumnScope {
    /** One input: its alias (see {@link DataFrame#alias}), row type, and first field's index in the scope. */
    private record Input(Optional<String> alias, RelDataType rowType, int offset) {
    }

    private final RelBuilder builder;
    private final List<Input> inputs;

    private ColumnScope(RelBuilder builder, List<Input> inputs) {
        this.builder = requireNonNull(builder, "builder is null");
        this.inputs = List.copyOf(inputs);
    }

    /** The fields of the relational expression on top of {@code builder}'s stack. */
    static ColumnScope of(RelBuilder builder, Optional<String> alias) {
        return new ColumnScope(builder, List.of(new Input(alias, builder.peek().getRowType(), 0)));
    }

    /** The fields of {@code rowType}, which start at field {@code offset} of the expression they are used on. */
    static ColumnScope of(RelBuilder builder, Optional<String> alias, RelDataType rowType, int offset) {
        return new ColumnScope(builder, List.of(new Input(alias, rowType, offset)));
    }

    /** The fields of the two expressions on top of the stack (left below right), as a join condition sees them. */
    static ColumnScope ofJoin(RelBuilder builder, Optional<String> leftAlias, Optional<String> rightAlias) {
        RelDataType left = builder.peek(1).getRowType();
        RelDataType right = builder.peek(0).getRowType();
        return new ColumnScope(builder, List.of(new Input(leftAlias, left, 0),
                new Input(rightAlias, right, left.getFieldCount())));
    }

    RelBuilder builder() {
        return builder;
    }

    /** A reference to the field called {@code name} (or {@code alias.name}), or an error listing the columns. */
    RexNode field(String name) {
        requireNonNull(name, "name is null");
        List<RexNode> matches = new ArrayList<>();
        int dot = name.indexOf('.');
        for (Input input : inputs) {
            String wanted = name;
            if (dot > 0 && input.alias().isPresent() && input.alias().get().equalsIgnoreCase(name.substring(0, dot))) {
                wanted = name.substring(dot + 1);
            }
            for (RelDataTypeField f : input.rowType().getFieldList()) {
                if (f.getName().equalsIgnoreCase(wanted)) {
                    matches.add(builder.getRexBuilder().makeInputRef(f.getType(), input.offset() + f.getIndex()));
                }
            }
        }
        if (matches.size() == 1) {
            return matches.get(0);
        }
        if (matches.isEmpty()) {
            throw new SluiceException("Column '" + name + "' does not exist; the columns are " + names());
        }
        throw new SluiceException("Column '" + name + "' is ambiguous: it is in both sides of the join; qualify it "
                + "with the DataFrame's alias (df.alias(\"a\") then col(\"a." + name + "\"))");
    }

    /** The names of the columns in scope, qualified by alias where there is one. */
    List<String> names() {
        List<String> names = new ArrayList<>();
        for (Input input : inputs) {
            for (RelDataTypeField f : input.rowType().getFieldList()) {
                names.add(input.alias().map(a -> a + ".").orElse("") + f.getName());
            }
        }
        return names;
    }
}
