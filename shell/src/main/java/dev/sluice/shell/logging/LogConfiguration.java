package dev.sluice.shell.logging;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.status.ErrorStatus;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Optional;
import java.util.logging.Handler;
import java.util.logging.LogManager;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * Points the shell's log at {@code <home>/logs/sluice.log} (see {@code logback.xml}, which reads the home
 * from the system property {@value #HOME_PROPERTY}) and routes java.util.logging (JLine's) there too, so
 * nothing but results and errors reaches the console.
 */
public final class LogConfiguration {
    /** The system property {@code logback.xml} takes the Sluice home from. */
    public static final String HOME_PROPERTY = "sluice.home";

    private static boolean julBridged;

    private LogConfiguration() {
    }

    /** The log file of a Sluice home. */
    public static Path logFile(Path home) {
        return home.resolve("logs").resolve("sluice.log");
    }

    /**
     * Logs to the log file of {@code home} from now on. Best called before anything logs; if logging was
     * configured already, for another file, logback is configured anew.
     */
    public static synchronized void logTo(Path home) {
        System.setProperty(HOME_PROPERTY, home.toString());
        bridgeJavaUtilLogging();
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (factory instanceof LoggerContext context
                && !currentLogFile(context).map(file -> sameFile(Path.of(file), logFile(home))).orElse(false)) {
            context.reset();
            try {
                new ContextInitializer(context).autoConfig();
            }
            catch (JoranException e) {
                // Logging is not worth failing the shell for; logback keeps its status for diagnosis.
                context.getStatusManager().add(new ErrorStatus("Reconfiguration failed", context, e));
            }
        }
    }

    private static boolean sameFile(Path a, Path b) {
        return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
    }

    private static Optional<String> currentLogFile(LoggerContext context) {
        Iterator<Appender<ILoggingEvent>> appenders = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).iteratorForAppenders();
        while (appenders.hasNext()) {
            if (appenders.next() instanceof FileAppender<ILoggingEvent> file) {
                return Optional.ofNullable(file.getFile());
            }
        }
        return Optional.empty();
    }

    private static void bridgeJavaUtilLogging() {
        if (julBridged) {
            return;
        }
        java.util.logging.Logger root = LogManager.getLogManager().getLogger("");
        for (Handler handler : root.getHandlers()) {
            root.removeHandler(handler);
        }
        root.addHandler(new JavaUtilLoggingHandler());
        julBridged = true;
    }
}
