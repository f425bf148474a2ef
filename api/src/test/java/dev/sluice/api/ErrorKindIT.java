package dev.sluice.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.sluice.connectors.testing.SharedKafkaBroker;
import dev.sluice.execution.error.EngineException;
import dev.sluice.execution.error.ErrorType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Errors have a kind (Trino's ErrorType), carried by the exception, not guessed from its Java class: a user's
 * error keeps its message and is not logged as a failure; an internal one (any exception that carries no kind,
 * an IllegalArgumentException included) is named as such, with its stack trace in the log.
 */
class ErrorKindIT extends KafkaSessionFixture {
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger errorsLogger = (Logger) LoggerFactory.getLogger(Errors.class);

    @BeforeEach
    void captureLog() {
        log.start();
        errorsLogger.addAppender(log);
    }

    @AfterEach
    void stopCapture() {
        errorsLogger.detachAppender(log);
    }

    private List<ILoggingEvent> errorsLogged() {
        return log.list.stream().filter(e -> e.getLevel() == Level.ERROR).toList();
    }

    @Test
    void anExceptionWithoutAKindIsInternalEvenAnIllegalArgumentException() {
        SluiceException e = Errors.toSluiceException(new IllegalArgumentException("index 7 out of bounds"));
        assertEquals(ErrorType.INTERNAL_ERROR, e.type());
        assertEquals("Internal error: java.lang.IllegalArgumentException: index 7 out of bounds", e.getMessage());
        assertEquals(1, errorsLogged().size(), "logged with its stack trace");
        assertTrue(errorsLogged().get(0).getThrowableProxy() != null);

        assertEquals(ErrorType.INTERNAL_ERROR, Errors.toSluiceException(new NullPointerException()).type());
        assertEquals(ErrorType.INTERNAL_ERROR, Errors.toSluiceException(new IllegalStateException("x")).type());
    }

    @Test
    void theKindTheExceptionCarriesDecides() {
        SluiceException user = Errors.toSluiceException(EngineException.userError("Column 'x' not found"));
        assertEquals(ErrorType.USER_ERROR, user.type());
        assertEquals("Column 'x' not found", user.getMessage());
        assertEquals(ErrorType.EXTERNAL, Errors.toSluiceException(
                new EngineException(ErrorType.EXTERNAL, "broker down")).type());
        assertEquals(ErrorType.INSUFFICIENT_RESOURCES, Errors.toSluiceException(
                new EngineException(ErrorType.INSUFFICIENT_RESOURCES, "no memory")).type());
        // Wrapped: the kind of the cause that has one, the message of the outer exception.
        SluiceException wrapped = Errors.toSluiceException(new IllegalStateException("can't plan",
                EngineException.userError("bad")));
        assertEquals(ErrorType.USER_ERROR, wrapped.type());
        assertEquals("can't plan", wrapped.getMessage());
        SluiceException unwrapped = Errors.toSluiceException(new ExecutionException(EngineException.userError("why")));
        assertEquals("why", unwrapped.getMessage());
        assertEquals(List.of(), errorsLogged(), "none of these is a bug");
    }

    @Test
    void classesThatMeanOneThingAnywhereAreTyped() {
        assertEquals(ErrorType.EXTERNAL, Errors.toSluiceException(new TimeoutException("metadata")).type());
        assertEquals(ErrorType.EXTERNAL, Errors.toSluiceException(new UncheckedIOException(new IOException("disk"))).type());
        assertEquals(ErrorType.INSUFFICIENT_RESOURCES, Errors.toSluiceException(new RuntimeException("arrow",
                new org.apache.arrow.memory.OutOfMemoryException("no room"))).type());
        assertEquals(ErrorType.USER_ERROR, Errors.toSluiceException(new SecurityException("not allowed")).type());
    }

    @Test
    void statementsFailWithTheirKind() {
        SluiceException unknown = assertThrows(SluiceException.class, () -> sluice.execute("SELECT * FROM nope"));
        assertEquals(ErrorType.USER_ERROR, unknown.type());
        assertTrue(unknown.getMessage().contains("nope"), unknown.getMessage());
        SluiceException drop = assertThrows(SluiceException.class, () -> sluice.execute("DROP TABLE nope"));
        assertEquals(ErrorType.USER_ERROR, drop.type());
        assertEquals("Table 'nope' does not exist", drop.getMessage());
        SluiceException option = assertThrows(SluiceException.class, () -> sluice.execute("SET maxOffsetsPerTrigger = -5"));
        assertEquals(ErrorType.USER_ERROR, option.type());
        assertEquals("Invalid value '-5' for option 'maxOffsetsPerTrigger': expected a positive whole number",
                option.getMessage());
        SluiceException mode = assertThrows(SluiceException.class, () -> sluice.execute("SET outputMode = sometimes"));
        assertTrue(mode.getMessage().contains("'outputMode'") && mode.getMessage().contains("'update', 'complete' or "
                + "'append'"), mode.getMessage());
        SluiceException kafka = assertThrows(SluiceException.class, () -> sluice.execute("CREATE TABLE t (a BIGINT) "
                + "WITH ('connector'='kafka', 'topic'='t', 'format'='json', 'scan.startup.mode'='sometimes')"));
        assertEquals(ErrorType.USER_ERROR, kafka.type());
        assertTrue(kafka.getMessage().contains("scan.startup.mode"), kafka.getMessage());
        assertEquals(List.of(), errorsLogged(), "a user's errors are not logged as failures");
    }

    @Test
    void aQueryFailingOnAnInternalErrorSaysSo() throws Exception {
        String topic = SharedKafkaBroker.createTopic("kinds", 1);
        SharedKafkaBroker.produce(topic, 0, null, "{\"n\": 1}");
        message("CREATE TABLE src (n BIGINT) WITH ('connector'='kafka', 'topic'='" + topic + "', 'format'='json')");
        message("CREATE TABLE kind_crashing (n BIGINT) WITH ('connector'='fail-once-memory', 'fail.batch'='0', "
                + "'fail.when'='before-sink')");
        message("SET trigger = available-now");
        StreamingQuery q = ((StatementResult.Query) sluice.execute("INSERT INTO kind_crashing SELECT STREAM n FROM src"))
                .query();
        SluiceException thrown = assertThrows(SluiceException.class, () -> q.awaitTermination(Duration.ofSeconds(60)));
        assertEquals(ErrorType.INTERNAL_ERROR, thrown.type(), "awaitTermination throws it again, of the same kind");
        SluiceException failure = q.exception().orElseThrow();
        assertEquals(ErrorType.INTERNAL_ERROR, failure.type(), "the test connector throws an IllegalStateException");
        assertTrue(failure.getMessage().startsWith("Internal error: java.lang.IllegalStateException: injected crash"),
                failure.getMessage());
    }
}
