package dev.sluice.execution.type;

import static java.util.Objects.requireNonNull;

import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;

/** A named, typed column of a table or of an operator's output. */
public record Column(String name, ColumnType type, boolean nullable) {
    public Column {
        requireNonNull(name, "name is null");
        requireNonNull(type, "type is null");
    }

    public static Column of(String name, ColumnType type) {
        return new Column(name, type, true);
    }

    public Field toArrowField() {
        return new Field(name, new FieldType(nullable, type.arrowType(), null), null);
    }

    public static Column fromArrowField(Field field) {
        return new Column(field.getName(), ColumnType.fromArrow(field.getType()), field.isNullable());
    }
}
