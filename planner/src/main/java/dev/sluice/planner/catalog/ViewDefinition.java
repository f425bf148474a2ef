package dev.sluice.planner.catalog;

import static java.util.Objects.requireNonNull;

/**
 * A view: a name for a query, kept as written and expanded by the planner wherever the name is used (as
 * Flink's and Calcite's views are), so that it runs bounded or continuously as the query using it does.
 */
public record ViewDefinition(String name, String query) {
    public ViewDefinition {
        requireNonNull(name, "name is null");
        requireNonNull(query, "query is null");
    }

    /** The statement that creates the view as it is. */
    public String createStatement() {
        return "CREATE VIEW \"" + name.replace("\"", "\"\"") + "\" AS " + query;
    }
}
