package dev.sluice.bench.nexmark;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * Nexmark's event stream, written from Apache Beam's model ({@code sdks/java/testing/nexmark}: {@code
 * Generator}, {@code GeneratorConfig}, {@code PersonGenerator}, {@code AuctionGenerator}, {@code
 * BidGenerator}) with the bid channels and URLs of the Flink suite ({@code nexmark/nexmark}).
 *
 * <p>Event {@code n} is a person, an auction or a bid by {@code n mod (1 + 3 + 46)}; its time rises
 * linearly at the configured rate; ids are dense (persons and auctions from 1000, in generation order);
 * auctions and bids refer to recent persons and auctions, mostly to "hot" ones: a bid is for the latest
 * multiple-of-100 auction with probability {@code 1 - 1/hotAuctionRatio}, by a hot bidder with probability
 * {@code 1 - 1/hotBiddersRatio}; an auction is by a hot seller likewise; the others are uniform over the
 * last {@code numActivePeople} persons or {@code numInFlightAuctions} auctions, plus a few ids not
 * generated yet (so a bid may come before its auction, as in Beam). Prices are {@code round(10^(6u) *
 * 100)} for uniform {@code u}; categories 10..14; auctions expire after a random length averaging the
 * time it takes to open {@code numInFlightAuctions} more auctions.
 *
 * <p>Deterministic: each event draws from its own random generator seeded by the config's seed and the
 * event's number (as Beam seeds one per event id), so the stream is the same for a seed whatever reads
 * it. Events come in event-time order (Beam's {@code outOfOrderGroupSize} is 1). Differences from the
 * Flink suite's copy: it seeds nothing (its data differs run to run), and it adds the first person id to
 * a bidder twice; this follows Beam (once), so bidders are real person ids.
 *
 * <p>Not thread-safe; an iterator over one pass of the stream.
 */
public final class NexmarkGenerator implements Iterator<NexmarkEvent> {
    /** Ids start here so that small data sets still find matches (Beam's FIRST_*_ID). */
    static final long FIRST_PERSON_ID = 1000;
    static final long FIRST_AUCTION_ID = 1000;
    static final long FIRST_CATEGORY_ID = 10;
    private static final int NUM_CATEGORIES = 5;
    /** How many not-yet-generated person and auction ids a random reference may name. */
    private static final int ID_LEAD = 10;
    private static final int HOT_RATIO_STEP = 100;
    private static final int HOT_CHANNELS_RATIO = 2;
    private static final int CHANNELS = 10_000;
    private static final String[] HOT_CHANNELS = {"Google", "Facebook", "Baidu", "Apple"};
    private static final String[] US_STATES = {"AZ", "CA", "ID", "OR", "WA", "WY"};
    private static final String[] US_CITIES = {
        "Phoenix", "Los Angeles", "San Francisco", "Boise", "Portland", "Bend", "Redmond", "Seattle", "Kent",
        "Cheyenne"};
    private static final String[] FIRST_NAMES = {
        "Peter", "Paul", "Luke", "John", "Saul", "Vicky", "Kate", "Julie", "Sarah", "Deiter", "Walter"};
    private static final String[] LAST_NAMES = {
        "Shultz", "Abrams", "Spencer", "White", "Bartels", "Walton", "Smith", "Jones", "Noris"};
    private static final int MIN_STRING_LENGTH = 3;
    private static final int EXTRA_POOL_LENGTH = 1 << 20;

    private final NexmarkConfig config;
    private final String[] hotUrls;
    private final String[] channelUrls;
    /** Random letters that {@code extra} strings are cut from (as the Flink suite does, for speed). */
    private final String extraPool;
    private long next;

    public NexmarkGenerator(NexmarkConfig config) {
        this.config = requireNonNull(config, "config is null");
        SplittableRandom random = new SplittableRandom(config.seed());
        hotUrls = new String[HOT_CHANNELS.length];
        for (int i = 0; i < hotUrls.length; i++) {
            hotUrls[i] = baseUrl(random);
        }
        channelUrls = new String[CHANNELS];
        for (int i = 0; i < CHANNELS; i++) {
            String url = baseUrl(random);
            if (random.nextInt(10) > 0) {
                url = url + "&channel_id=" + Math.abs(Integer.reverse(i));
            }
            channelUrls[i] = url;
        }
        char[] pool = new char[EXTRA_POOL_LENGTH];
        for (int i = 0; i < pool.length; i++) {
            pool[i] = (char) ('a' + random.nextInt(26));
        }
        extraPool = new String(pool);
    }

    /** Every event of {@code config}, in order. */
    public static List<NexmarkEvent> generate(NexmarkConfig config) {
        NexmarkGenerator generator = new NexmarkGenerator(config);
        List<NexmarkEvent> events = new ArrayList<>((int) Math.min(config.events(), Integer.MAX_VALUE - 8));
        generator.forEachRemaining(events::add);
        return events;
    }

    @Override
    public boolean hasNext() {
        return next < config.events();
    }

    @Override
    public NexmarkEvent next() {
        if (!hasNext()) {
            throw new NoSuchElementException("all " + config.events() + " events were generated");
        }
        long eventId = next++;
        long timestamp = config.timestampForEvent(eventId);
        SplittableRandom random = new SplittableRandom(config.seed() * 0x9E3779B97F4A7C15L + eventId);
        long rem = eventId % config.totalProportion();
        if (rem < config.personProportion()) {
            return person(eventId, random, timestamp);
        } else if (rem < config.personProportion() + config.auctionProportion()) {
            return auction(eventId, random, timestamp);
        }
        return bid(eventId, random, timestamp);
    }

    private Person person(long eventId, SplittableRandom random, long timestamp) {
        long id = lastBase0PersonId(eventId) + FIRST_PERSON_ID;
        String name = FIRST_NAMES[random.nextInt(FIRST_NAMES.length)] + " " + LAST_NAMES[random.nextInt(LAST_NAMES.length)];
        String email = string(random, 7, ' ') + "@" + string(random, 5, ' ') + ".com";
        StringBuilder card = new StringBuilder(19);
        for (int i = 0; i < 4; i++) {
            card.append(i > 0 ? " " : "").append(String.format(Locale.ROOT, "%04d", random.nextInt(10_000)));
        }
        String city = US_CITIES[random.nextInt(US_CITIES.length)];
        String state = US_STATES[random.nextInt(US_STATES.length)];
        int size = 8 + name.length() + email.length() + card.length() + city.length() + state.length();
        return new Person(id, name, email, card.toString(), city, state, timestamp,
                extra(random, size, config.avgPersonByteSize()));
    }

    private Auction auction(long eventId, SplittableRandom random, long timestamp) {
        long id = lastBase0AuctionId(eventId) + FIRST_AUCTION_ID;
        long seller;
        if (random.nextInt(config.hotSellersRatio()) > 0) {
            seller = (lastBase0PersonId(eventId) / HOT_RATIO_STEP) * HOT_RATIO_STEP;  // the hot seller
        } else {
            seller = randomBase0PersonId(eventId, random);
        }
        seller += FIRST_PERSON_ID;
        long category = FIRST_CATEGORY_ID + random.nextInt(NUM_CATEGORIES);
        long initialBid = price(random);
        long expires = timestamp + auctionLengthMs(eventId, random, timestamp);
        String name = string(random, 20, ' ');
        String description = string(random, 100, ' ');
        long reserve = initialBid + price(random);
        int size = 8 + name.length() + description.length() + 8 + 8 + 8 + 8 + 8;
        return new Auction(id, name, description, initialBid, reserve, timestamp, expires, seller, category,
                extra(random, size, config.avgAuctionByteSize()));
    }

    private Bid bid(long eventId, SplittableRandom random, long timestamp) {
        long auction;
        if (random.nextInt(config.hotAuctionRatio()) > 0) {
            auction = (lastBase0AuctionId(eventId) / HOT_RATIO_STEP) * HOT_RATIO_STEP;  // the hot auction
        } else {
            auction = randomBase0AuctionId(eventId, random);
        }
        auction += FIRST_AUCTION_ID;
        long bidder;
        if (random.nextInt(config.hotBiddersRatio()) > 0) {
            // The second person of the hot batch, so hot bidders and hot sellers differ.
            bidder = (lastBase0PersonId(eventId) / HOT_RATIO_STEP) * HOT_RATIO_STEP + 1;
        } else {
            bidder = randomBase0PersonId(eventId, random);
        }
        bidder += FIRST_PERSON_ID;
        long price = price(random);
        String channel;
        String url;
        if (random.nextInt(HOT_CHANNELS_RATIO) > 0) {
            int i = random.nextInt(HOT_CHANNELS.length);
            channel = HOT_CHANNELS[i];
            url = hotUrls[i];
        } else {
            int i = random.nextInt(CHANNELS);
            channel = "channel-" + i;
            url = channelUrls[i];
        }
        return new Bid(auction, bidder, price, channel, url, timestamp,
                extra(random, 8 + 8 + 8 + 8, config.avgBidByteSize()));
    }

    /** The last person id generated at or before {@code eventId}, base 0. */
    private long lastBase0PersonId(long eventId) {
        long epoch = eventId / config.totalProportion();
        long offset = eventId % config.totalProportion();
        if (offset >= config.personProportion()) {
            offset = config.personProportion() - 1;  // an auction or bid: the last person of this epoch
        }
        return epoch * config.personProportion() + offset;
    }

    /** The last auction id generated at or before {@code eventId}, base 0 (-1 before the first). */
    private long lastBase0AuctionId(long eventId) {
        long epoch = eventId / config.totalProportion();
        long offset = eventId % config.totalProportion();
        if (offset < config.personProportion()) {
            epoch--;  // a person: the last auction of the previous epoch
            offset = config.auctionProportion() - 1;
        } else if (offset >= config.personProportion() + config.auctionProportion()) {
            offset = config.auctionProportion() - 1;  // a bid: the last auction of this epoch
        } else {
            offset -= config.personProportion();
        }
        return epoch * config.auctionProportion() + offset;
    }

    /** One of the active persons, or a few ids ahead of the last one. */
    private long randomBase0PersonId(long eventId, SplittableRandom random) {
        long people = lastBase0PersonId(eventId) + 1;
        long active = Math.min(people, config.numActivePeople());
        return people - active + nextLong(random, active + ID_LEAD);
    }

    /** One of the auctions likely still open, or a few ids ahead of the last one. */
    private long randomBase0AuctionId(long eventId, SplittableRandom random) {
        long max = lastBase0AuctionId(eventId);
        long min = Math.max(max - config.numInFlightAuctions(), 0);
        return min + nextLong(random, max - min + 1 + ID_LEAD);
    }

    /** A length averaging the event time it takes to open {@code numInFlightAuctions} more auctions. */
    private long auctionLengthMs(long eventId, SplittableRandom random, long timestamp) {
        long eventsForAuctions = ((long) config.numInFlightAuctions() * config.totalProportion()) / config.auctionProportion();
        long horizonMs = config.timestampForEvent(eventId + eventsForAuctions) - timestamp;
        return 1L + nextLong(random, Math.max(horizonMs * 2, 1L));
    }

    private static long price(SplittableRandom random) {
        return Math.round(Math.pow(10.0, random.nextDouble() * 6.0) * 100.0);
    }

    private static long nextLong(SplittableRandom random, long bound) {
        return bound < Integer.MAX_VALUE ? random.nextInt((int) bound) : random.nextLong(bound);
    }

    /** Letters and {@code special}, 3 to {@code maxLength - 1} long, trimmed. */
    private static String string(SplittableRandom random, int maxLength, char special) {
        int length = MIN_STRING_LENGTH + random.nextInt(maxLength - MIN_STRING_LENGTH);
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(random.nextInt(13) == 0 ? special : (char) ('a' + random.nextInt(26)));
        }
        return sb.toString().trim();
    }

    /** Padding that brings an event of {@code currentSize} bytes to {@code averageSize} on average (+-20%). */
    private String extra(SplittableRandom random, int currentSize, int averageSize) {
        if (currentSize > averageSize) {
            return "";
        }
        int wanted = averageSize - currentSize;
        int delta = (int) Math.round(wanted * 0.2);
        int length = wanted - delta + (delta == 0 ? 0 : random.nextInt(2 * delta));
        int offset = random.nextInt(extraPool.length() - length);
        return extraPool.substring(offset, offset + length);
    }

    private static String baseUrl(SplittableRandom random) {
        return "https://www.nexmark.com/" + string(random, 5, '_') + '/' + string(random, 5, '_') + '/'
                + string(random, 5, '_') + "/item.htm?query=1";
    }
}
