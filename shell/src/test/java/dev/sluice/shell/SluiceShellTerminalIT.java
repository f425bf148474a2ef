package dev.sluice.shell;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.api.Sluice;
import dev.sluice.demo.EmbeddedDemo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jline.terminal.Size;
import org.jline.terminal.impl.ExternalTerminal;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shell driven as a person drives it: keys typed into a JLine terminal of 100x20 that is not dumb
 * (an xterm with a line discipline, so Ctrl-C and Ctrl-Z are signals), over the embedded demo broker.
 */
class SluiceShellTerminalIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;?]*[A-Za-z]|\u001B[=>]|\r");
    private static final String PAGES = "pages";

    private static EmbeddedDemo demo;

    @TempDir
    Path home;

    private Sluice sluice;
    private PipedOutputStream keyboard;
    private ByteArrayOutputStream screen;
    private ExternalTerminal terminal;
    private Thread shell;

    @BeforeAll
    static void startDemo() throws Exception {
        demo = EmbeddedDemo.start();
        // A topic of exactly 60 pages, for results of a known length.
        Map<String, Object> config = Map.of("bootstrap.servers", demo.bootstrapServers());
        try (Admin admin = Admin.create(config)) {
            admin.createTopics(List.of(new NewTopic(PAGES, 1, (short) 1))).all().get();
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(),
                new StringSerializer())) {
            for (int i = 0; i < 60; i++) {
                producer.send(new ProducerRecord<>(PAGES, "{\"page\": \"/p/" + i + "\"}"));
            }
        }
    }

    @AfterAll
    static void stopDemo() {
        demo.close();
    }

    @BeforeEach
    void startShell() throws Exception {
        sluice = Sluice.builder().home(home).bootstrapServers(demo.bootstrapServers()).build();
        demo.registerTable(sluice);
        sluice.execute("CREATE TABLE pages (page VARCHAR) WITH ('connector'='kafka', 'topic'='" + PAGES
                + "', 'format'='json')");
        keyboard = new PipedOutputStream();
        PipedInputStream in = new PipedInputStream(keyboard, 1 << 16);
        screen = new ByteArrayOutputStream();
        terminal = new ExternalTerminal("test", "xterm", in, screen, UTF_8);
        terminal.setSize(new Size(100, 20));
        shell = new Thread(() -> {
            try {
                SluiceShell.runInteractive(sluice, home, null, terminal);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, "shell");
        shell.start();
        awaitScreen("sluice> ");
    }

    @AfterEach
    void leave() throws Exception {
        type("quit\r");
        shell.join(TIMEOUT.toMillis());
        assertFalse(shell.isAlive(), "the shell left on quit");
        terminal.close();
        sluice.close();
    }

    @Test
    void tabCompletesKeywordsAndTables() throws Exception {
        // Keyword, column and table each completed from a unique prefix.
        type("EXPL\tSELECT amou\tFROM cli\t;\r");
        awaitScreen("Scan(table=clicks, columns=[amount])");
    }

    @Test
    void longResultsArePagedSpaceForMoreQToQuit() throws Exception {
        type("SELECT page FROM pages;\r");
        // 19 lines fit above the prompt line: the header, the separator and 17 rows.
        awaitScreen("-- more (19 of 63 lines) -- Space: next page, Enter: next line, q: quit");
        type(" ");
        awaitScreen("-- more (38 of 63 lines)");
        type("\r");
        awaitScreen("-- more (39 of 63 lines)");
        type("q");
        awaitScreen("(24 more lines not shown)\nsluice> ");
        assertFalse(text().contains("(60 rows)"), "the last page was not shown");

        type("SELECT page FROM pages LIMIT 3;\r");
        awaitScreen("(3 rows)\nsluice> ");
        assertEquals(3, count(text(), "-- more ("), "a short result is not paged");
    }

    @Test
    void ctrlCStopsTheStreamingQuery() throws Exception {
        type("SELECT STREAM page FROM pages;\r");
        awaitScreen("-- batch ");
        type("\u0003");
        awaitScreen("Query \\S+ stopped\\.\nsluice> ", true);
        assertEquals(0, sluice.activeQueries().size());
    }

    @Test
    void ctrlZSendsTheStreamingQueryToTheBackground() throws Exception {
        type("SET query.name = watcher;\r");
        type("SELECT STREAM page FROM pages;\r");
        awaitScreen("-- batch ");
        type("\u001A");
        awaitScreen("Query watcher continues in the background, its rows not shown (SHOW QUERIES; STOP QUERY watcher).\n"
                + "sluice> ");
        assertEquals(1, sluice.activeQueries().size());
        assertTrue(sluice.activeQueries().get(0).isActive());
        type("SHOW QUERIES;\r");
        awaitScreen(" watcher | ");
        type("STOP QUERY watcher;\r");
        awaitScreen("Query 'watcher' stopped.");
        assertEquals(0, sluice.activeQueries().size());
    }

    private void type(String keys) throws IOException {
        keyboard.write(keys.getBytes(UTF_8));
        keyboard.flush();
    }

    /** What the screen shows, without escape sequences and carriage returns. */
    private String text() {
        return ANSI.matcher(screen.toString(UTF_8)).replaceAll("");
    }

    private void awaitScreen(String expected) throws InterruptedException {
        awaitScreen(Pattern.quote(expected), true);
    }

    private void awaitScreen(String regex, boolean isRegex) throws InterruptedException {
        Pattern pattern = Pattern.compile(regex);
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            Matcher m = pattern.matcher(text());
            if (m.find()) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the screen never showed /" + regex + "/:\n" + text());
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
