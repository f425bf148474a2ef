package dev.sluice.bench.nexmark;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The expected result of each Nexmark query q0..q22 over events held in memory, computed in plain Java,
 * independently of the engine: the final result of the query run as a bounded query over all the events
 * (for a windowed query every window, as closed by the end of input; for an updating query the final
 * table). One method per query; rows as lists of {@code Long}, {@code Double}, {@code String} or null,
 * in the query's column order, times as epoch milliseconds.
 *
 * <p>Semantics assumed (Flink's): windows are aligned to the epoch, a row at time {@code t} is in
 * {@code [start, start + size)}; HOP windows of size 10 s every 2 s hold each row five times; a session
 * holds rows less than its gap apart, {@code SESSION_END} is its last row's time plus the gap; {@code
 * BETWEEN} includes both bounds; {@code AVG} of a BIGINT is a BIGINT, the sum divided by the count and
 * truncated; {@code DATE_FORMAT} and {@code HOUR} read the event time in UTC; {@code 0.908 * price} is a
 * DOUBLE. No row is late: the generator writes every partition in event-time order, and a bounded query
 * has no watermark. Where a query's result depends on an order the data leaves open (two bids of the
 * same auction at the same top price for the Top-N queries, two bids by the same bidder on the same
 * auction at the same time for q18), the reference refuses the data with an {@link IllegalStateException}
 * rather than guess: pick another seed or rate.
 */
public final class NexmarkReference {
    private static final long SECOND = 1000;
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);
    private static final Pattern CHANNEL_ID = Pattern.compile("(&|^)channel_id=([^&]*)");

    private final NexmarkEvents events;

    public NexmarkReference(NexmarkEvents events) {
        this.events = requireNonNull(events, "events is null");
    }

    /** The expected rows of {@code query} ({@code q0} .. {@code q22}), in no particular order. */
    public List<List<Object>> expected(String query) {
        return switch (query) {
            case "q0" -> q0();
            case "q1" -> q1();
            case "q2" -> q2();
            case "q3" -> q3();
            case "q4" -> q4();
            case "q5" -> q5();
            case "q6" -> q6();
            case "q7" -> q7();
            case "q8" -> q8();
            case "q9" -> q9();
            case "q10" -> q10();
            case "q11" -> q11();
            case "q12" -> q12();
            case "q13" -> q13();
            case "q14" -> q14();
            case "q15" -> q15();
            case "q16" -> q16();
            case "q17" -> q17();
            case "q18" -> q18();
            case "q19" -> q19();
            case "q20" -> q20();
            case "q21" -> q21();
            case "q22" -> q22();
            default -> throw new IllegalArgumentException("No Nexmark query " + query);
        };
    }

    /** Pass-through. */
    List<List<Object>> q0() {
        return map(events.bids(), b -> row(b.auction(), b.bidder(), b.price(), b.dateTime(), b.extra()));
    }

    /** Price in euros. */
    List<List<Object>> q1() {
        return map(events.bids(), b -> row(b.auction(), b.bidder(), 0.908 * b.price(), b.dateTime(), b.extra()));
    }

    /** Bids on every 123rd auction. */
    List<List<Object>> q2() {
        List<List<Object>> rows = new ArrayList<>();
        for (Bid b : events.bids()) {
            if (b.auction() % 123 == 0) {
                rows.add(row(b.auction(), b.price()));
            }
        }
        return rows;
    }

    /** Sellers in OR, ID, CA with their category-10 auctions (an inner join on seller = person id). */
    List<List<Object>> q3() {
        Map<Long, Person> persons = new HashMap<>();
        events.persons().forEach(p -> persons.put(p.id(), p));
        List<List<Object>> rows = new ArrayList<>();
        for (Auction a : events.auctions()) {
            Person p = persons.get(a.seller());
            if (a.category() == 10 && p != null && Set.of("OR", "ID", "CA").contains(p.state())) {
                rows.add(row(p.name(), p.city(), p.state(), a.id()));
            }
        }
        return rows;
    }

    /** Bids made while their auction was open: {@code a.dateTime <= b.dateTime <= a.expires}. */
    private Map<Auction, List<Bid>> bidsWhileOpen() {
        Map<Long, List<Bid>> byAuction = new HashMap<>();
        events.bids().forEach(b -> byAuction.computeIfAbsent(b.auction(), k -> new ArrayList<>()).add(b));
        Map<Auction, List<Bid>> result = new LinkedHashMap<>();
        for (Auction a : events.auctions()) {
            List<Bid> open = new ArrayList<>();
            for (Bid b : byAuction.getOrDefault(a.id(), List.of())) {
                if (b.dateTime() >= a.dateTime() && b.dateTime() <= a.expires()) {
                    open.add(b);
                }
            }
            if (!open.isEmpty()) {
                result.put(a, open);
            }
        }
        return result;
    }

    /** Average winning price per category (AVG of BIGINT: truncated). */
    List<List<Object>> q4() {
        Map<Long, long[]> sumAndCount = new TreeMap<>();
        bidsWhileOpen().forEach((a, bids) -> {
            long max = bids.stream().mapToLong(Bid::price).max().orElseThrow();
            long[] acc = sumAndCount.computeIfAbsent(a.category(), k -> new long[2]);
            acc[0] += max;
            acc[1]++;
        });
        List<List<Object>> rows = new ArrayList<>();
        sumAndCount.forEach((category, acc) -> rows.add(row(category, acc[0] / acc[1])));
        return rows;
    }

    /** Hot items: per HOP(2 s, 10 s) window, the auctions with the most bids (all of them on a tie). */
    List<List<Object>> q5() {
        long slide = 2 * SECOND;
        long size = 10 * SECOND;
        Map<Long, Map<Long, Long>> countsByWindow = new HashMap<>();  // window start -> auction -> bids
        for (Bid b : events.bids()) {
            long lastStart = Math.floorDiv(b.dateTime(), slide) * slide;
            for (long start = lastStart; start > b.dateTime() - size; start -= slide) {
                countsByWindow.computeIfAbsent(start, k -> new HashMap<>()).merge(b.auction(), 1L, Long::sum);
            }
        }
        List<List<Object>> rows = new ArrayList<>();
        for (Map<Long, Long> counts : countsByWindow.values()) {
            long max = counts.values().stream().mapToLong(Long::longValue).max().orElseThrow();
            counts.forEach((auction, n) -> {
                if (n >= max) {
                    rows.add(row(auction, n));
                }
            });
        }
        return rows;
    }

    /**
     * Per seller, over the winning bids of the seller's auctions in time order, the average (truncated) of
     * the current and up to 10 preceding winning prices.
     */
    List<List<Object>> q6() {
        Map<Long, List<Bid>> winnersBySeller = new HashMap<>();
        bidsWhileOpen().forEach((a, bids) -> {
            long max = bids.stream().mapToLong(Bid::price).max().orElseThrow();
            List<Bid> top = bids.stream().filter(b -> b.price() == max).toList();
            if (top.stream().map(Bid::dateTime).distinct().count() > 1) {
                throw new IllegalStateException("q6: auction " + a.id() + " has two winning bids at price " + max
                        + " at different times; the result depends on which ROW_NUMBER keeps");
            }
            winnersBySeller.computeIfAbsent(a.seller(), k -> new ArrayList<>()).add(top.get(0));
        });
        List<List<Object>> rows = new ArrayList<>();
        winnersBySeller.forEach((seller, winners) -> {
            winners.sort(Comparator.comparingLong(Bid::dateTime));
            for (int i = 1; i < winners.size(); i++) {
                if (winners.get(i).dateTime() == winners.get(i - 1).dateTime()) {
                    throw new IllegalStateException("q6: seller " + seller + " has two winning bids at the same time");
                }
            }
            for (int i = 0; i < winners.size(); i++) {
                long sum = 0;
                int from = Math.max(0, i - 10);
                for (int j = from; j <= i; j++) {
                    sum += winners.get(j).price();
                }
                rows.add(row(seller, sum / (i - from + 1)));
            }
        });
        return rows;
    }

    /** The bids at the highest price of a 10 s tumbling window, within [window end - 10 s, window end]. */
    List<List<Object>> q7() {
        long size = 10 * SECOND;
        Map<Long, Long> maxByWindowEnd = new HashMap<>();
        for (Bid b : events.bids()) {
            maxByWindowEnd.merge(Math.floorDiv(b.dateTime(), size) * size + size, b.price(), Math::max);
        }
        Map<Long, List<Long>> windowEndsByPrice = new HashMap<>();
        maxByWindowEnd.forEach((end, max) -> windowEndsByPrice.computeIfAbsent(max, k -> new ArrayList<>()).add(end));
        List<List<Object>> rows = new ArrayList<>();
        for (Bid b : events.bids()) {
            for (long end : windowEndsByPrice.getOrDefault(b.price(), List.of())) {
                if (b.dateTime() >= end - size && b.dateTime() <= end) {
                    rows.add(row(b.auction(), b.price(), b.bidder(), b.dateTime(), b.extra()));
                }
            }
        }
        return rows;
    }

    /** Persons who opened an auction in the 10 s tumbling window in which they registered. */
    List<List<Object>> q8() {
        long size = 10 * SECOND;
        Set<List<Long>> sellerWindows = new HashSet<>();
        for (Auction a : events.auctions()) {
            sellerWindows.add(List.of(a.seller(), Math.floorDiv(a.dateTime(), size) * size));
        }
        Set<List<Object>> rows = new HashSet<>();  // P is grouped by (id, name, window): distinct
        for (Person p : events.persons()) {
            long start = Math.floorDiv(p.dateTime(), size) * size;
            if (sellerWindows.contains(List.of(p.id(), start))) {
                rows.add(row(p.id(), p.name(), start));
            }
        }
        return new ArrayList<>(rows);
    }

    /** Each auction with its winning bid (highest price, then earliest) among the bids made while open. */
    List<List<Object>> q9() {
        List<List<Object>> rows = new ArrayList<>();
        bidsWhileOpen().forEach((a, bids) -> {
            Comparator<Bid> order = Comparator.comparingLong(Bid::price).reversed().thenComparingLong(Bid::dateTime);
            List<Bid> sorted = bids.stream().sorted(order).toList();
            if (sorted.size() > 1 && order.compare(sorted.get(0), sorted.get(1)) == 0 && !sorted.get(0).equals(sorted.get(1))) {
                throw new IllegalStateException("q9: auction " + a.id() + " has two winning bids at the same price and time");
            }
            Bid b = sorted.get(0);
            rows.add(row(a.id(), a.itemName(), a.description(), a.initialBid(), a.reserve(), a.dateTime(), a.expires(),
                    a.seller(), a.category(), a.extra(), b.auction(), b.bidder(), b.price(), b.dateTime(), b.extra()));
        });
        return rows;
    }

    /** Every bid with its day and minute (UTC). */
    List<List<Object>> q10() {
        return map(events.bids(), b -> row(b.auction(), b.bidder(), b.price(), b.dateTime(), b.extra(),
                day(b.dateTime()), minute(b.dateTime())));
    }

    /** Bids per bidder per session of bids less than 10 s apart; end = last bid + 10 s. */
    List<List<Object>> q11() {
        long gap = 10 * SECOND;
        Map<Long, List<Long>> timesByBidder = new HashMap<>();
        events.bids().forEach(b -> timesByBidder.computeIfAbsent(b.bidder(), k -> new ArrayList<>()).add(b.dateTime()));
        List<List<Object>> rows = new ArrayList<>();
        timesByBidder.forEach((bidder, times) -> {
            times.sort(null);
            long start = times.get(0);
            long last = start;
            long count = 0;
            for (long t : times) {
                if (t - last >= gap) {
                    rows.add(row(bidder, count, start, last + gap));
                    start = t;
                    count = 0;
                }
                last = t;
                count++;
            }
            rows.add(row(bidder, count, start, last + gap));
        });
        return rows;
    }

    /**
     * Processing-time windows can't be predicted; what can: the bids per bidder, which is the sum of
     * q12's {@code bid_count} over the windows of each bidder. Rows: bidder, total.
     */
    List<List<Object>> q12() {
        Map<Long, Long> counts = new HashMap<>();
        events.bids().forEach(b -> counts.merge(b.bidder(), 1L, Long::sum));
        List<List<Object>> rows = new ArrayList<>();
        counts.forEach((bidder, n) -> rows.add(row(bidder, n)));
        return rows;
    }

    /** Each bid with the side input's value for {@code auction mod 10000} (the side input maps i to "i"). */
    List<List<Object>> q13() {
        return map(events.bids(), b -> row(b.auction(), b.bidder(), b.price(), b.dateTime(),
                Long.toString(Math.floorMod(b.auction(), 10_000L))));
    }

    /** Bids whose euro price is in (1,000,000, 50,000,000), labelled by hour (UTC), with their 'c' count. */
    List<List<Object>> q14() {
        List<List<Object>> rows = new ArrayList<>();
        for (Bid b : events.bids()) {
            double euros = 0.908 * b.price();
            if (euros > 1_000_000 && euros < 50_000_000) {
                int hour = Instant.ofEpochMilli(b.dateTime()).atZone(ZoneOffset.UTC).getHour();
                String type = hour >= 8 && hour <= 18 ? "dayTime" : hour <= 6 || hour >= 20 ? "nightTime" : "otherTime";
                long c = b.extra().chars().filter(ch -> ch == 'c').count();
                rows.add(row(b.auction(), b.bidder(), euros, type, b.dateTime(), b.extra(), c));
            }
        }
        return rows;
    }

    /** Per day: bids, distinct bidders and distinct auctions, in total and per price range. */
    List<List<Object>> q15() {
        Map<String, List<Bid>> byDay = groupBy(events.bids(), b -> day(b.dateTime()));
        List<List<Object>> rows = new ArrayList<>();
        byDay.forEach((day, bids) -> {
            List<Object> r = new ArrayList<>(List.of(day));
            r.addAll(rangeStatistics(bids));
            rows.add(r);
        });
        return rows;
    }

    /** Per channel and day: q15's statistics and the latest minute. */
    List<List<Object>> q16() {
        Map<List<String>, List<Bid>> groups = groupBy(events.bids(), b -> List.of(b.channel(), day(b.dateTime())));
        List<List<Object>> rows = new ArrayList<>();
        groups.forEach((key, bids) -> {
            String maxMinute = bids.stream().map(b -> minute(b.dateTime())).max(Comparator.naturalOrder()).orElseThrow();
            List<Object> r = new ArrayList<>(List.of(key.get(0), key.get(1), maxMinute));
            r.addAll(rangeStatistics(bids));
            rows.add(r);
        });
        return rows;
    }

    /** Per auction and day: bids per price range, min, max, average (truncated) and sum of prices. */
    List<List<Object>> q17() {
        Map<List<Object>, List<Bid>> groups = groupBy(events.bids(), b -> List.of(b.auction(), day(b.dateTime())));
        List<List<Object>> rows = new ArrayList<>();
        groups.forEach((key, bids) -> {
            long sum = bids.stream().mapToLong(Bid::price).sum();
            rows.add(row(key.get(0), key.get(1), (long) bids.size(), count(bids, 1), count(bids, 2), count(bids, 3),
                    bids.stream().mapToLong(Bid::price).min().orElseThrow(),
                    bids.stream().mapToLong(Bid::price).max().orElseThrow(), sum / bids.size(), sum));
        });
        return rows;
    }

    /** Each bidder's last bid on each auction. */
    List<List<Object>> q18() {
        Map<List<Long>, Bid> last = new HashMap<>();
        for (Bid b : events.bids()) {
            Bid previous = last.get(List.of(b.bidder(), b.auction()));
            if (previous != null && previous.dateTime() == b.dateTime()) {
                throw new IllegalStateException("q18: bidder " + b.bidder() + " bid twice on auction " + b.auction()
                        + " at the same time " + b.dateTime());
            }
            if (previous == null || b.dateTime() > previous.dateTime()) {
                last.put(List.of(b.bidder(), b.auction()), b);
            }
        }
        return map(last.values(), b -> row(b.auction(), b.bidder(), b.price(), b.channel(), b.url(), b.dateTime(), b.extra()));
    }

    /** The 10 highest bids of each auction, ranked 1..10. */
    List<List<Object>> q19() {
        List<List<Object>> rows = new ArrayList<>();
        groupBy(events.bids(), Bid::auction).forEach((auction, bids) -> {
            List<Bid> sorted = bids.stream().sorted(Comparator.comparingLong(Bid::price).reversed()).toList();
            int n = Math.min(10, sorted.size());
            for (int i = 0; i < n; i++) {
                if (i + 1 < sorted.size() && sorted.get(i).price() == sorted.get(i + 1).price()) {
                    throw new IllegalStateException("q19: auction " + auction + " has two bids at price "
                            + sorted.get(i).price() + " in its top 11; their ranks are not determined");
                }
                Bid b = sorted.get(i);
                rows.add(row(b.auction(), b.bidder(), b.price(), b.channel(), b.url(), b.dateTime(), b.extra(), (long) i + 1));
            }
        });
        return rows;
    }

    /** Each bid on a category-10 auction, with the auction's columns. */
    List<List<Object>> q20() {
        Map<Long, Auction> auctions = new HashMap<>();
        events.auctions().forEach(a -> auctions.put(a.id(), a));
        List<List<Object>> rows = new ArrayList<>();
        for (Bid b : events.bids()) {
            Auction a = auctions.get(b.auction());
            if (a != null && a.category() == 10) {
                rows.add(row(b.auction(), b.bidder(), b.price(), b.channel(), b.url(), b.dateTime(), b.extra(),
                        a.itemName(), a.description(), a.initialBid(), a.reserve(), a.dateTime(), a.expires(), a.seller(),
                        a.category(), a.extra()));
            }
        }
        return rows;
    }

    /** Bids of a known channel or with a channel_id in the URL, with the channel's id. */
    List<List<Object>> q21() {
        List<String> known = List.of("apple", "google", "facebook", "baidu");
        List<List<Object>> rows = new ArrayList<>();
        for (Bid b : events.bids()) {
            String lower = b.channel().toLowerCase(java.util.Locale.ROOT);
            Matcher m = CHANNEL_ID.matcher(b.url());
            String extracted = m.find() ? m.group(2) : null;
            if (extracted != null || known.contains(lower)) {
                // apple '0', google '1', facebook '2', baidu '3' (their index in known)
                String id = known.contains(lower) ? Integer.toString(known.indexOf(lower)) : extracted;
                rows.add(row(b.auction(), b.bidder(), b.price(), b.channel(), id));
            }
        }
        return rows;
    }

    /** The first three directories of each bid's URL (SPLIT_INDEX, 0-based, empty parts kept). */
    List<List<Object>> q22() {
        return map(events.bids(), b -> {
            String[] parts = b.url().split("/", -1);
            return row(b.auction(), b.bidder(), b.price(), b.channel(), part(parts, 3), part(parts, 4), part(parts, 5));
        });
    }

    private static String part(String[] parts, int index) {
        return index < parts.length ? parts[index] : null;
    }

    /** q15/q16's twelve counts: bids, distinct bidders, distinct auctions; each in total and per price range. */
    private static List<Object> rangeStatistics(List<Bid> bids) {
        List<Object> r = new ArrayList<>();
        r.add((long) bids.size());
        for (int range = 1; range <= 3; range++) {
            r.add(count(bids, range));
        }
        for (Function<Bid, Long> column : List.<Function<Bid, Long>>of(Bid::bidder, Bid::auction)) {
            r.add(bids.stream().map(column).distinct().count());
            for (int range = 1; range <= 3; range++) {
                int inRange = range;
                r.add(bids.stream().filter(b -> priceRange(b) == inRange).map(column).distinct().count());
            }
        }
        return r;
    }

    private static long count(List<Bid> bids, int range) {
        return bids.stream().filter(b -> priceRange(b) == range).count();
    }

    /** 1: price < 10,000; 2: 10,000 <= price < 1,000,000; 3: price >= 1,000,000. */
    private static int priceRange(Bid b) {
        return b.price() < 10_000 ? 1 : b.price() < 1_000_000 ? 2 : 3;
    }

    private static String day(long millis) {
        return DAY.format(Instant.ofEpochMilli(millis));
    }

    private static String minute(long millis) {
        return MINUTE.format(Instant.ofEpochMilli(millis));
    }

    private static <T, K> Map<K, List<T>> groupBy(List<T> items, Function<T, K> key) {
        Map<K, List<T>> groups = new LinkedHashMap<>();
        items.forEach(item -> groups.computeIfAbsent(key.apply(item), k -> new ArrayList<>()).add(item));
        return groups;
    }

    private static <T> List<List<Object>> map(java.util.Collection<T> items, Function<T, List<Object>> f) {
        List<List<Object>> rows = new ArrayList<>(items.size());
        items.forEach(item -> rows.add(f.apply(item)));
        return rows;
    }

    /** A row; nulls allowed. */
    static List<Object> row(Object... values) {
        return Arrays.asList(values);
    }
}
