package dev.sluice.planner.ddl;

import static java.util.Objects.requireNonNull;

import dev.sluice.execution.connector.TableDescriptor;

/**
 * A parsed Sluice statement. DDL and session commands are parsed by {@link StatementParser}; queries
 * (SELECT, SELECT STREAM, INSERT INTO, EXPLAIN) keep their text and go to Calcite.
 */
public sealed interface SluiceStatement {
    /** {@code CREATE TABLE [IF NOT EXISTS] t (...) WITH (...)}. */
    record CreateTable(TableDescriptor table, boolean ifNotExists) implements SluiceStatement {
        public CreateTable {
            requireNonNull(table, "table is null");
        }
    }

    /** {@code DROP TABLE [IF EXISTS] t}. */
    record DropTable(String name, boolean ifExists) implements SluiceStatement {
        public DropTable {
            requireNonNull(name, "name is null");
        }
    }

    /**
     * {@code CREATE [TEMPORARY] VIEW [IF NOT EXISTS] v AS query}: a named query, expanded where it is used (its
     * query without STREAM: the query using it says whether it is continuous).
     */
    record CreateView(String name, String querySql, boolean ifNotExists) implements SluiceStatement {
        public CreateView {
            requireNonNull(name, "name is null");
            requireNonNull(querySql, "querySql is null");
        }
    }

    /** {@code DROP VIEW [IF EXISTS] v}. */
    record DropView(String name, boolean ifExists) implements SluiceStatement {
        public DropView {
            requireNonNull(name, "name is null");
        }
    }

    /** {@code SHOW VIEWS}. */
    record ShowViews() implements SluiceStatement {
    }

    /** {@code SHOW CREATE VIEW v}. */
    record ShowCreateView(String name) implements SluiceStatement {
        public ShowCreateView {
            requireNonNull(name, "name is null");
        }
    }

    /** {@code SHOW TABLES}. */
    record ShowTables() implements SluiceStatement {
    }

    /** {@code DESCRIBE t} (a table or a view). */
    record DescribeTable(String name) implements SluiceStatement {
        public DescribeTable {
            requireNonNull(name, "name is null");
        }
    }

    /** {@code SHOW CREATE TABLE t}: the CREATE TABLE statement that makes the table as it is. */
    record ShowCreateTable(String name) implements SluiceStatement {
        public ShowCreateTable {
            requireNonNull(name, "name is null");
        }
    }

    /** {@code SET 'key' = 'value'}; {@code SET} alone lists the options (key and value null). */
    record SetOption(String key, String value) implements SluiceStatement {
    }

    /** {@code RESET 'key'}. */
    record ResetOption(String key) implements SluiceStatement {
        public ResetOption {
            requireNonNull(key, "key is null");
        }
    }

    /** {@code SHOW QUERIES}: the running continuous queries. */
    record ShowQueries() implements SluiceStatement {
    }

    /** {@code STOP QUERY name-or-id}. */
    record StopQuery(String nameOrId) implements SluiceStatement {
        public StopQuery {
            requireNonNull(nameOrId, "nameOrId is null");
        }
    }

    /** {@code EXPLAIN query}: the query's plans, without running it. */
    record Explain(String querySql) implements SluiceStatement {
        public Explain {
            requireNonNull(querySql, "querySql is null");
        }
    }

    /** A query for Calcite: SELECT, SELECT STREAM, INSERT INTO ... SELECT, VALUES, WITH. */
    record Query(String sql) implements SluiceStatement {
        public Query {
            requireNonNull(sql, "sql is null");
        }
    }
}
