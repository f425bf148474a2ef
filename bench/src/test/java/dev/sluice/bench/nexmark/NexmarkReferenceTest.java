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
import org.apache.calcite.schema.impl.ScalarFunctionImpl;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A check of the checker: the plain-Java reference agrees with Apache Calcite's own in-memory execution
 * (its Enumerable convention over Java objects, no Sluice involved) of the same query files. Flink's
 * built-ins DATE_FORMAT, REGEXP_EXTRACT and SPLIT_INDEX are given to Calcite as functions, so the rest of
 * those queries (aggregates, FILTER, COUNT DISTINCT, CASE) is Calcite's. Not checked here: q11 (Calcite
 * has no SESSION group window: see {@link #sessionsSplitAtTheGap}) and q12 (processing time).
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
        events = NexmarkEvents.generate(NexmarkQueriesIT.CONFIG);
    }

    @ParameterizedTest
    @ValueSource(strings = {"q0", "q1", "q2", "q3", "q4", "q5", "q6", "q7", "q8", "q9", "q10", "q13", "q14", "q15",
        "q16", "q17", "q18", "q19", "q20", "q21", "q22"})
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
            var schema = calcite.getRootSchema().add("nexmark", new ReflectiveSchema(new Tables(events)));
            // Flink's built-ins, as Calcite functions (so that Calcite checks the rest of these queries: the
            // aggregates, FILTER, COUNT DISTINCT, CASE), written from Flink's documentation.
            schema.add("DATE_FORMAT", ScalarFunctionImpl.create(FlinkFunctions.class, "dateFormat"));
            schema.add("REGEXP_EXTRACT", ScalarFunctionImpl.create(FlinkFunctions.class, "regexpExtract"));
            schema.add("SPLIT_INDEX", ScalarFunctionImpl.create(FlinkFunctions.class, "splitIndex"));
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

    /** Flink's DATE_FORMAT, REGEXP_EXTRACT and SPLIT_INDEX, for Calcite. */
    public static final class FlinkFunctions {
        public static String dateFormat(Timestamp t, String pattern) {
            return t == null ? null : java.time.format.DateTimeFormatter.ofPattern(pattern)
                    .withZone(java.time.ZoneOffset.UTC).format(t.toInstant());
        }

        public static String regexpExtract(String s, String regex, int group) {
            if (s == null) {
                return null;
            }
            java.util.regex.Matcher m = java.util.regex.Pattern.compile(regex).matcher(s);
            return m.find() ? m.group(group) : null;
        }

        public static String splitIndex(String s, String separator, int index) {
            String[] parts = s == null ? new String[0] : s.split(java.util.regex.Pattern.quote(separator), -1);
            return index < parts.length ? parts[index] : null;
        }
    }

    /** The side input of q13: key i, value "i", for i in 0..9999. */
    public static final class SideRow {
        public final long key;
        public final String value;

        SideRow(int i) {
            key = i;
            value = Integer.toString(i);
        }
    }

    /** The three tables (and q13's side input) as Calcite's ReflectiveSchema reads them: public fields, times as Timestamp. */
    public static final class Tables {
        public final PersonRow[] person;
        public final AuctionRow[] auction;
        public final BidRow[] bid;
        public final SideRow[] side_input = java.util.stream.IntStream.range(0, 10_000).mapToObj(SideRow::new)
                .toArray(SideRow[]::new);

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
