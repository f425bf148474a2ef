package dev.sluice.api;

import dev.sluice.execution.error.EngineException;
import dev.sluice.execution.error.ErrorType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns what the engine threw into the user-facing {@link SluiceException}, of the kind the error carries
 * ({@link EngineException#type()}). Besides those, only failures whose class means one thing anywhere are
 * typed: Kafka's and I/O failures are {@link ErrorType#EXTERNAL}, running out of memory or threads is
 * {@link ErrorType#INSUFFICIENT_RESOURCES}, a refused permission ({@link SecurityException}, as
 * {@link AccessPolicy} throws it) is the user's. Everything else ({@code IllegalArgumentException},
 * {@code NullPointerException}...) is an internal error, logged with its stack trace.
 */
final class Errors {
    private static final Logger LOG = LoggerFactory.getLogger(Errors.class);

    private Errors() {
    }

    static SluiceException toSluiceException(Throwable t) {
        Throwable e = t;
        // A wrapper that says nothing of its own (its message, if any, is its cause's toString()) gives way to its cause.
        while ((e instanceof ExecutionException || e instanceof UncheckedIOException || e instanceof CompletionException
                || e instanceof InvocationTargetException) && e.getCause() != null
                && (e.getMessage() == null || e.getMessage().equals(e.getCause().toString()))) {
            e = e.getCause();
        }
        if (e instanceof SluiceException s) {
            return s;
        }
        ErrorType type = typeOf(e);
        if (type == ErrorType.INTERNAL_ERROR) {
            LOG.error("Internal error", e);
            return new SluiceException(ErrorType.INTERNAL_ERROR, "Internal error: " + e, e);
        }
        LOG.debug("{} error", type, e);
        return new SluiceException(type, e.getMessage() != null ? e.getMessage() : e.toString(), e);
    }

    /** The kind of {@code e}: its own if it carries one, else the first of its causes' that does. */
    static ErrorType typeOf(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof EngineException typed) {
                return typed.type();
            }
            if (cause instanceof SluiceException typed) {
                return typed.type();
            }
            if (cause instanceof ConfigException || cause instanceof SecurityException) {
                return ErrorType.USER_ERROR;
            }
            if (cause instanceof OutOfMemoryError || cause instanceof RejectedExecutionException
                    || cause instanceof org.apache.arrow.memory.OutOfMemoryException) {
                return ErrorType.INSUFFICIENT_RESOURCES;
            }
            if (cause instanceof KafkaException || cause instanceof IOException || cause instanceof UncheckedIOException) {
                return ErrorType.EXTERNAL;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return ErrorType.INTERNAL_ERROR;
    }
}
