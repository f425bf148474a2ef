package dev.sluice.execution.type;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/** An ordered list of columns: the shape of a table, a batch or an operator's output. */
public record RowSchema(List<Column> columns) {
    public RowSchema {
        columns = List.copyOf(columns);
    }

    public static RowSchema of(Column... columns) {
        return new RowSchema(List.of(columns));
    }

    public int size() {
        return columns.size();
    }

    public Column column(int i) {
        return columns.get(i);
    }

    public List<String> names() {
        return columns.stream().map(Column::name).toList();
    }

    /** Index of the column with this name (exact match), or -1. */
    public int indexOf(String name) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    public Optional<Column> find(String name) {
        int i = indexOf(name);
        return i < 0 ? Optional.empty() : Optional.of(columns.get(i));
    }

    public Schema toArrowSchema() {
        List<Field> fields = new ArrayList<>(columns.size());
        for (Column c : columns) {
            fields.add(c.toArrowField());
        }
        return new Schema(fields);
    }

    public static RowSchema fromArrow(Schema schema) {
        return new RowSchema(schema.getFields().stream().map(Column::fromArrowField).toList());
    }
}
