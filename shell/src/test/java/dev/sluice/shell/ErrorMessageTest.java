package dev.sluice.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sluice.api.SluiceException;
import dev.sluice.execution.error.ErrorType;
import org.junit.jupiter.api.Test;

/** What the shell prints of an error follows its kind: the user's as it is, an internal one as a bug. */
class ErrorMessageTest {
    @Test
    void aUsersErrorIsShownAsItIs() {
        assertEquals("Table 'nope' does not exist",
                StatementRunner.errorMessage(new SluiceException("Table 'nope' does not exist")));
        assertEquals("Can't reach Kafka at 'x:9092'", StatementRunner.errorMessage(
                new SluiceException(ErrorType.EXTERNAL, "Can't reach Kafka at 'x:9092'", null)));
    }

    @Test
    void anInternalErrorSaysItIsOneAndWhereTheDetailsAre() {
        assertEquals("Internal error: java.lang.IllegalStateException: bad state (details in the log)",
                StatementRunner.errorMessage(new SluiceException(ErrorType.INTERNAL_ERROR,
                        "Internal error: java.lang.IllegalStateException: bad state", new IllegalStateException())));
        assertEquals("Internal error: java.lang.NullPointerException (details in the log)",
                StatementRunner.errorMessage(new NullPointerException()));
    }
}
