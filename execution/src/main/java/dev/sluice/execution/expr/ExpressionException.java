package dev.sluice.execution.expr;

/** A runtime error while evaluating an expression; the message names the expression and the value. */
public final class ExpressionException extends RuntimeException {
    public ExpressionException(String message) {
        super(message);
    }
}
