package dev.sluice.execution.expr;

import dev.sluice.execution.error.EngineException;
import dev.sluice.execution.error.ErrorType;

/** A runtime error while evaluating an expression; the message names the expression and the value. */
public final class ExpressionException extends EngineException {
    public ExpressionException(String message) {
        super(ErrorType.USER_ERROR, message);
    }
}
