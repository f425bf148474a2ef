package dev.sluice.shell.console;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;
import org.jline.terminal.Attributes;
import org.jline.terminal.Terminal;

/**
 * Shows a long result a screen at a time, as psql's pager does: Space shows the next screen, Enter the next
 * line, q (or Ctrl-C) stops. Text that fits the screen, and any text on a dumb terminal (scripts, pipes),
 * is printed at once.
 */
public final class Pager {
    static final String PROMPT = "-- more (%d of %d lines) -- Space: next page, Enter: next line, q: quit";

    private final Terminal terminal;

    public Pager(Terminal terminal) {
        this.terminal = requireNonNull(terminal, "terminal is null");
    }

    /** Shows {@code lines}, paging them if they don't fit the terminal. */
    public void show(List<String> lines) {
        PrintWriter out = terminal.writer();
        int page = terminal.getHeight() - 1;  // the last line is for the prompt
        if (Terminal.TYPE_DUMB.equals(terminal.getType()) || Terminal.TYPE_DUMB_COLOR.equals(terminal.getType())
                || page < 2 || lines.size() <= page) {
            lines.forEach(out::println);
            out.flush();
            return;
        }
        Attributes saved = terminal.enterRawMode();
        try {
            int shown = 0;
            int step = page;
            while (true) {
                int end = Math.min(lines.size(), shown + step);
                lines.subList(shown, end).forEach(out::println);
                shown = end;
                if (shown == lines.size()) {
                    break;
                }
                out.print(String.format(PROMPT, shown, lines.size()));
                out.flush();
                int key = terminal.reader().read();
                out.print("\r\033[K");  // erase the prompt
                if (key < 0 || key == 'q' || key == 'Q' || key == 3) {
                    out.println("(" + (lines.size() - shown) + " more lines not shown)");
                    break;
                }
                step = key == '\r' || key == '\n' ? 1 : page;
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            terminal.setAttributes(saved);
        }
    }
}
