package dev.sluice.shell.logging;

import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Hands java.util.logging records to SLF4J, at the matching level (by default they'd go to stderr). */
final class JavaUtilLoggingHandler extends Handler {
    private final SimpleFormatter formatter = new SimpleFormatter();

    @Override
    public void publish(LogRecord record) {
        if (record == null) {
            return;
        }
        Logger logger = LoggerFactory.getLogger(record.getLoggerName() == null ? "java.util.logging" : record.getLoggerName());
        int level = record.getLevel().intValue();
        org.slf4j.event.Level slf4jLevel = level >= Level.SEVERE.intValue() ? org.slf4j.event.Level.ERROR
                : level >= Level.WARNING.intValue() ? org.slf4j.event.Level.WARN
                : level >= Level.INFO.intValue() ? org.slf4j.event.Level.INFO
                : level >= Level.FINE.intValue() ? org.slf4j.event.Level.DEBUG
                : org.slf4j.event.Level.TRACE;
        if (logger.isEnabledForLevel(slf4jLevel)) {
            logger.atLevel(slf4jLevel).setCause(record.getThrown()).log(formatter.formatMessage(record));
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
