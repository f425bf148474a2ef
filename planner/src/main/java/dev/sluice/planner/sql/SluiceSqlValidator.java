package dev.sluice.planner.sql;

import dev.sluice.planner.catalog.CatalogTable;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperatorTable;
import org.apache.calcite.sql.SqlWindowTableFunction;
import org.apache.calcite.sql.validate.SelectScope;
import org.apache.calcite.sql.validate.SqlQualified;
import org.apache.calcite.sql.validate.SqlValidatorCatalogReader;
import org.apache.calcite.sql.validate.SqlValidatorImpl;
import org.apache.calcite.sql.validate.SqlValidatorTable;

/**
 * Calcite's validator, except that {@code SELECT *} and {@code SELECT t.*} leave out the connector metadata
 * columns of a table ({@code "partition"}, {@code "offset"}, {@code "timestamp"}, {@code "key"},
 * {@code "topic"}), as Flink leaves out its VIRTUAL metadata columns: they are read by name only. So {@code *}
 * means the declared columns, and {@code INSERT INTO copy SELECT STREAM * FROM t} fits a table of the same
 * declared schema.
 *
 * <p>How: Calcite expands a star column by column through {@link #addToSelectList} (its only caller), so
 * skipping a metadata column there leaves it out of the expansion, while the table's row type, and so the
 * column's lookup by name, is unchanged. A window table function over a table ({@code TABLE(TUMBLE(TABLE t,
 * ...))}) passes the table's columns on, so its star leaves them out too. A star over a subquery keeps what
 * the subquery has: one that selects a metadata column by name passes it on.
 */
final class SluiceSqlValidator extends SqlValidatorImpl {
    SluiceSqlValidator(SqlOperatorTable operators, SqlValidatorCatalogReader catalogReader,
                       RelDataTypeFactory typeFactory, Config config) {
        super(operators, catalogReader, typeFactory, config);
    }

    @Override
    protected void addToSelectList(List<SqlNode> list, Set<String> aliases,
                                   List<Map.Entry<String, RelDataType>> fieldList, SqlNode exp, SelectScope scope,
                                   boolean includeSystemVars) {
        if (isMetadataColumn(exp, scope)) {
            return;
        }
        super.addToSelectList(list, aliases, fieldList, exp, scope, includeSystemVars);
    }

    /**
     * Whether {@code exp}, a column of a star's expansion, is a metadata column of a catalog table: read from the
     * table, or passed on by a window table function over it ({@code TABLE(TUMBLE(TABLE t, ...))}), which adds
     * its window columns to the table's.
     */
    private boolean isMetadataColumn(SqlNode exp, SelectScope scope) {
        if (!(exp instanceof SqlIdentifier id) || id.isStar() || id.names.size() < 2) {
            return false;
        }
        SqlQualified qualified = scope.fullyQualify(id);
        if (qualified.namespace == null) {
            return false;
        }
        SqlValidatorTable table = qualified.namespace.getTable();
        if (table == null) {
            table = windowedTable(qualified.namespace.getNode());
        }
        CatalogTable catalogTable = table == null ? null : table.unwrap(CatalogTable.class);
        return catalogTable != null && catalogTable.isMetadataColumn(id.names.get(id.names.size() - 1));
    }

    /** The table a window table function reads, for {@code TABLE(TUMBLE(TABLE t, ...))}; null otherwise. */
    private SqlValidatorTable windowedTable(SqlNode node) {
        SqlNode current = node;
        if (current instanceof SqlCall call && call.getKind() == SqlKind.COLLECTION_TABLE) {
            current = call.operand(0);
        }
        if (!(current instanceof SqlCall call) || !(call.getOperator() instanceof SqlWindowTableFunction)
                || call.operandCount() == 0) {
            return null;
        }
        SqlNode input = call.operand(0);
        if (input instanceof SqlCall named && named.getKind() == SqlKind.ARGUMENT_ASSIGNMENT) {
            input = named.operand(0);
        }
        if (input instanceof SqlCall explicit && explicit.getKind() == SqlKind.EXPLICIT_TABLE) {
            input = explicit.operand(0);
        }
        return input instanceof SqlIdentifier name ? getCatalogReader().getTable(name.names) : null;
    }
}
