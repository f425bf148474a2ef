package dev.sluice.api;

import dev.sluice.execution.expr.ExpressionException;
import dev.sluice.execution.source.SourceException;
import dev.sluice.planner.PlanningException;
import java.io.UncheckedIOException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns engine exceptions into the user-facing {@link SluiceException}, keeping their messages. */
final class Errors {
    private static final Logger LOG = LoggerFactory.getLogger(Errors.class);

    private Errors() {
    }

    static SluiceException toSluiceException(Throwable t) {
        Throwable e = t;
        while ((e instanceof ExecutionException || e instanceof UncheckedIOException) && e.getCause() != null
                && e.getMessage() == null) {
            e = e.getCause();
        }
        if (e instanceof SluiceException s) {
            return s;
        }
        if (e instanceof PlanningException || e instanceof SourceException || e instanceof ExpressionException
                || e instanceof IllegalArgumentException || e instanceof IllegalStateException
                || e instanceof UnsupportedOperationException || e instanceof SecurityException) {
            return new SluiceException(e.getMessage(), e);
        }
        LOG.error("Internal error", e);
        return new SluiceException("Internal error: " + e, e);
    }
}
