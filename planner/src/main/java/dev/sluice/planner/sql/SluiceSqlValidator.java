package dev.sluice.planner.sql;

import dev.sluice.planner.catalog.CatalogTable;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperatorTable;
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
 * column's lookup by name, is unchanged. A star over a subquery or a table function keeps what that relation
 * has: a subquery that selects a metadata column by name passes it on.
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

    /** Whether {@code exp}, a column of a star's expansion, is a metadata column of a catalog table. */
    private static boolean isMetadataColumn(SqlNode exp, SelectScope scope) {
        if (!(exp instanceof SqlIdentifier id) || id.isStar() || id.names.size() < 2) {
            return false;
        }
        SqlQualified qualified = scope.fullyQualify(id);
        if (qualified.namespace == null) {
            return false;
        }
        SqlValidatorTable table = qualified.namespace.getTable();
        CatalogTable catalogTable = table == null ? null : table.unwrap(CatalogTable.class);
        return catalogTable != null && catalogTable.isMetadataColumn(id.names.get(id.names.size() - 1));
    }
}
