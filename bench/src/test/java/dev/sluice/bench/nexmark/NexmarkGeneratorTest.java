package dev.sluice.bench.nexmark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The generator follows Beam's model: proportions, ids, event times, hot auctions, determinism. */
class NexmarkGeneratorTest {
    private static final NexmarkConfig CONFIG = NexmarkConfig.of(50_000, 1000, 7);

    @Test
    void sameSeedSameEventsOtherSeedOtherEvents() {
        List<NexmarkEvent> a = NexmarkGenerator.generate(NexmarkConfig.of(2000, 1000, 7));
        List<NexmarkEvent> b = NexmarkGenerator.generate(NexmarkConfig.of(2000, 1000, 7));
        List<NexmarkEvent> c = NexmarkGenerator.generate(NexmarkConfig.of(2000, 1000, 8));
        assertEquals(a, b);
        assertNotEquals(a, c);
        assertEquals(a.stream().map(NexmarkEvent::dateTime).toList(), c.stream().map(NexmarkEvent::dateTime).toList(),
                "event times depend on the rate only");
    }

    @Test
    void proportionsIdsAndEventTimesFollowTheModel() {
        NexmarkEvents events = NexmarkEvents.generate(CONFIG);
        assertEquals(1000, events.persons().size());
        assertEquals(3000, events.auctions().size());
        assertEquals(46_000, events.bids().size());
        // Dense ids from 1000, in generation order.
        for (int i = 0; i < events.persons().size(); i++) {
            assertEquals(1000 + i, events.persons().get(i).id());
        }
        for (int i = 0; i < events.auctions().size(); i++) {
            assertEquals(1000 + i, events.auctions().get(i).id());
        }
        // Event n at base + n ms (1000 events/s): the last of 50,000 at base + 49,999.
        List<NexmarkEvent> all = NexmarkGenerator.generate(CONFIG);
        for (int n = 0; n < all.size(); n++) {
            assertEquals(NexmarkConfig.DEFAULT_BASE_TIME + n, all.get(n).dateTime());
        }
        // Hot auctions: about half the bids go to the latest multiple-of-100 auction (hotAuctionRatio 2).
        long hot = events.bids().stream().filter(b -> (b.auction() - 1000) % 100 == 0).count();
        assertTrue(hot > 0.45 * events.bids().size() && hot < 0.6 * events.bids().size(), "hot bids " + hot);
        // Categories 10..14, prices within 10^[0,6) * 100, auctions expire after they open.
        assertEquals(List.of(10L, 11L, 12L, 13L, 14L), events.auctions().stream().map(Auction::category).distinct().sorted()
                .collect(Collectors.toList()));
        assertTrue(events.bids().stream().allMatch(b -> b.price() >= 100 && b.price() <= 100_000_000));
        assertTrue(events.auctions().stream().allMatch(a -> a.expires() > a.dateTime() && a.reserve() > a.initialBid()));
        // Half of the bids are on the four hot channels.
        long hotChannels = events.bids().stream().filter(b -> !b.channel().startsWith("channel-")).count();
        assertTrue(hotChannels > 0.45 * events.bids().size() && hotChannels < 0.55 * events.bids().size());
        // Sizes near the configured averages (bids 100 bytes in Beam's accounting: 32 + extra).
        double extra = events.bids().stream().mapToInt(b -> b.extra().length()).average().orElseThrow();
        assertTrue(extra > 60 && extra < 76, "bid extra " + extra);
    }

    @Test
    void jsonHasTheFlinkColumnNames() {
        NexmarkEvents events = NexmarkEvents.generate(NexmarkConfig.of(50, 1000, 1));
        assertTrue(events.bids().get(0).toJson().matches(
                "\\{\"auction\": \\d+, \"bidder\": \\d+, \"price\": \\d+, \"channel\": \"[^\"]+\", \"url\": \"https://www\\.nexmark\\.com/[^\"]+\", "
                        + "\"dateTime\": \\d+, \"extra\": \"[a-z]*\"}"), events.bids().get(0).toJson());
        assertTrue(events.persons().get(0).toJson().startsWith("{\"id\": 1000, \"name\": "));
        assertTrue(events.auctions().get(0).toJson().contains("\"expires\": "));
    }
}
