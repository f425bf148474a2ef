package dev.sluice.execution.expr;

import java.util.List;

/** An expression computed from other expressions, for walking expression trees (see {@link InputColumns}). */
interface CompositeExpr extends PhysicalExpr {
    /** The argument expressions, in order. */
    List<PhysicalExpr> children();
}
