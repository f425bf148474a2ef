package dev.sluice.bench.nexmark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.math.MathContext;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.calcite.adapter.java.ReflectiveSchema;
import org.apache.calcite.jdbc.CalciteConnection;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A check of the checker: the plain-Java reference agrees with Apache Calcite's own in-memory execution
 * (its Enumerable convention over Java objects, no Sluice involved) of the same query files, for the
 * queries whose SQL Calcite runs as written (not the Flink built-ins DATE_FORMAT, REGEXP_EXTRACT,
 * SPLIT_INDEX, PROCTIME, the SESSION group window, the side-input file).
 */
class NexmarkReferenceTest {
    private static final long T0 = 1_700_000_000_000L;  // a multiple of 10 s: windows start here

    private static NexmarkEvents events;

    /**
     * Hand-made events on the boundaries the generated data rarely hits: a bid at its auction's start and
     * one at its expiry with the top price (BETWEEN includes both), a higher one just after; a bid exactly
     * at a window's end with that window's top price (q7 matches it to both windows); a person and their
     * auction in the last millisecond of a window (q8); bids on the edges of HOP windows (q5).
     */
    private static final NexmarkEvents EDGES = new NexmarkEvents(
            List.of(person(1000, "OR", 0), person(1001, "CA", 9_999), person(1002, "WA", 10_000)),
            List.of(auction(1000, 1000, 10, 1_000, 5_000), auction(1001, 1001, 10, 9_999, 20_000),
                    auction(1002, 1002, 11, 12_000, 30_000)),
            List.of(bid(1000, 1002, 700, 1_000), bid(1000, 1002, 800, 5_000), bid(1000, 1001, 900, 5_001),
                    bid(1001, 1002, 900, 10_000), bid(1001, 1000, 300, 11_999), bid(1002, 1000, 400, 12_000),
                    bid(1002, 1001, 100, 19_998), bid(1002, 1001, 200, 29_998), bid(1002, 1002, 250, 30_000),
                    bid(1002, 1002, 150, 30_001)));

    @BeforeAll
    static void generate() {
        events = NexmarkEvents.generate(NexmarkQueriesTest.CONFIG);
    }

    @ParameterizedTest
    @ValueSource(strings = {"q0", "q1", "q2", "q3", "q4", "q5", "q6", "q7", "q8", "q9", "q14", "q18", "q19", "q20"})
    void referenceAgreesWithCalcite(String query) throws Exception {
        assertAgree(query, events);
    }

    @ParameterizedTest
    @ValueSource(strings = {"q3", "q4", "q5", "q6", "q7", "q8", "q9", "q18", "q19", "q20"})
    void referenceAgreesWithCalciteOnTheEdges(String query) throws Exception {
        assertAgree(query, EDGES);
    }

    /** The edge cases of q11 (SESSION, which Calcite does not run): bids exactly 10 s apart are two sessions. */
    @org.junit.jupiter.api.Test
    void sessionsSplitAtTheGap() {
        List<List<Object>> sessions = new NexmarkReference(EDGES).q11().stream()
                .filter(r -> r.get(0).equals(1001L)).sorted(java.util.Comparator.comparing(r -> (Long) r.get(2))).toList();
        assertEquals(List.of(
                List.of(1001L, 1L, T0 + 5_001, T0 + 15_001),
                List.of(1001L, 1L, T0 + 19_998, T0 + 29_998),
                List.of(1001L, 1L, T0 + 29_998, T0 + 39_998)), sessions);
    }

    private static Person person(long id, String state, long t) {
        return new Person(id, "P" + id, "e", "c", "Bend", state, T0 + t, "x");
    }

    private static Auction auction(long id, long seller, long category, long t, long expires) {
        return new Auction(id, "i", "d", 10, 20, T0 + t, T0 + expires, seller, category, "x");
    }

    private static Bid bid(long auction, long bidder, long price, long t) {
        return new Bid(auction, bidder, price, "Google", "https://www.nexmark.com/a/b/c/item.htm?query=1", T0 + t, "ccx");
    }

    private static void assertAgree(String query, NexmarkEvents events) throws Exception {
        NexmarkReference reference = new NexmarkReference(events);
        List<String> statements = NexmarkSql.statements(query, java.util.Map.of());
        String sql = statements.get(statements.size() - 1);
        if (query.equals("q5")) {
            // Calcite's HOP over a reflective table casts its Java objects to Object[]: give it rows.
            sql = sql.replace("TABLE bid", "(SELECT auction, event_time FROM bid)");
        }
        Properties info = new Properties();
        info.setProperty("quoting", "DOUBLE_QUOTE");
        info.setProperty("unquotedCasing", "UNCHANGED");
        info.setProperty("caseSensitive", "false");
        info.setProperty("timeZone", "UTC");
        List<String> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:calcite:", info)) {
            CalciteConnection calcite = c.unwrap(CalciteConnection.class);
            calcite.getRootSchema().add("nexmark", new ReflectiveSchema(new Tables(events)));
            calcite.setSchema("nexmark");
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
                int n = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    List<Object> row = new ArrayList<>();
                    for (int i = 1; i <= n; i++) {
                        Object v = rs.getObject(i);
                        row.add(v instanceof Timestamp t ? (Object) rs.getTimestamp(i, java.util.Calendar.getInstance(
                                java.util.TimeZone.getTimeZone("UTC"))).getTime() : v);
                    }
                    rows.add(canonical(row));
                }
            }
        }
        List<String> expected = reference.expected(query).stream().map(NexmarkReferenceTest::canonical).sorted().toList();
        assertEquals(expected, rows.stream().sorted().toList(), query);
    }

    private static String canonical(List<Object> row) {
        return row.stream().map(v -> {
            if (v instanceof Integer || v instanceof Short) {
                return String.valueOf(((Number) v).longValue());
            }
            if (v instanceof Double || v instanceof Float || v instanceof BigDecimal) {
                return new BigDecimal(((Number) v).doubleValue()).round(new MathContext(12)).stripTrailingZeros().toPlainString();
            }
            return String.valueOf(v);
        }).collect(Collectors.joining("|"));
    }

    /** The three tables as Calcite's ReflectiveSchema reads them: public fields, times as Timestamp. */
    public static final class Tables {
        public final PersonRow[] person;
        public final AuctionRow[] auction;
        public final BidRow[] bid;

        Tables(NexmarkEvents events) {
            person = events.persons().stream().map(PersonRow::new).toArray(PersonRow[]::new);
            auction = events.auctions().stream().map(AuctionRow::new).toArray(AuctionRow[]::new);
            bid = events.bids().stream().map(BidRow::new).toArray(BidRow[]::new);
        }
    }

    public static final class PersonRow {
        public final long id;
        public final String name;
        public final String emailAddress;
        public final String creditCard;
        public final String city;
        public final String state;
        public final long dateTime;
        public final String extra;
        public final Timestamp event_time;

        PersonRow(Person p) {
            id = p.id();
            name = p.name();
            emailAddress = p.emailAddress();
            creditCard = p.creditCard();
            city = p.city();
            state = p.state();
            dateTime = p.dateTime();
            extra = p.extra();
            event_time = new Timestamp(p.dateTime());
        }
    }

    public static final class AuctionRow {
        public final long id;
        public final String itemName;
        public final String description;
        public final long initialBid;
        public final long reserve;
        public final long dateTime;
        public final long expires;
        public final long seller;
        public final long category;
        public final String extra;
        public final Timestamp event_time;
        public final Timestamp expires_time;

        AuctionRow(Auction a) {
            id = a.id();
            itemName = a.itemName();
            description = a.description();
            initialBid = a.initialBid();
            reserve = a.reserve();
            dateTime = a.dateTime();
            expires = a.expires();
            seller = a.seller();
            category = a.category();
            extra = a.extra();
            event_time = new Timestamp(a.dateTime());
            expires_time = new Timestamp(a.expires());
        }
    }

    public static final class BidRow {
        public final long auction;
        public final long bidder;
        public final long price;
        public final String channel;
        public final String url;
        public final long dateTime;
        public final String extra;
        public final Timestamp event_time;

        BidRow(Bid b) {
            auction = b.auction();
            bidder = b.bidder();
            price = b.price();
            channel = b.channel();
            url = b.url();
            dateTime = b.dateTime();
            extra = b.extra();
            event_time = new Timestamp(b.dateTime());
        }
    }
}
