package dev.sluice.bench.nexmark;

/**
 * What the {@link NexmarkGenerator} generates: the parameters of Apache Beam's {@code NexmarkConfiguration}
 * that shape the data, with the defaults Beam and the Flink suite ({@code nexmark/nexmark}) use.
 *
 * @param events how many events (persons, auctions and bids together)
 * @param eventsPerSecond the event-time rate: event {@code n} has {@code dateTime = baseTime + n * 1e6 /
 *     eventsPerSecond / 1000} ms, so the data spans {@code events / eventsPerSecond} seconds of event time
 *     however fast it is written (Beam's {@code firstEventRate}, one generator)
 * @param baseTime event time of the first event, epoch milliseconds
 * @param seed the seed: the same config gives the same events
 * @param personProportion persons in each run of {@code person + auction + bid} events (1)
 * @param auctionProportion auctions in each run (3)
 * @param bidProportion bids in each run (46)
 * @param hotAuctionRatio a bid is for the current hot auction with probability {@code 1 - 1/ratio} (2)
 * @param hotSellersRatio an auction is by the current hot seller with probability {@code 1 - 1/ratio} (4)
 * @param hotBiddersRatio a bid is by the current hot bidder with probability {@code 1 - 1/ratio} (4)
 * @param numActivePeople the other persons chosen come from the last this many (1000)
 * @param numInFlightAuctions the other auctions chosen come from the last this many; it also sets the
 *     average auction length (the time to generate this many auctions) (100)
 * @param avgPersonByteSize average size of a person, reached by padding {@code extra} (200)
 * @param avgAuctionByteSize average size of an auction (500)
 * @param avgBidByteSize average size of a bid (100)
 */
public record NexmarkConfig(long events, double eventsPerSecond, long baseTime, long seed,
                            int personProportion, int auctionProportion, int bidProportion,
                            int hotAuctionRatio, int hotSellersRatio, int hotBiddersRatio,
                            int numActivePeople, int numInFlightAuctions,
                            int avgPersonByteSize, int avgAuctionByteSize, int avgBidByteSize) {
    /** 2023-11-14T22:13:20Z, the base time of the project's other benchmark data. */
    public static final long DEFAULT_BASE_TIME = 1_700_000_000_000L;
    /** The Flink suite's event rate (its {@code TPS}). */
    public static final double DEFAULT_EVENTS_PER_SECOND = 10_000_000;

    public NexmarkConfig {
        if (events < 0) {
            throw new IllegalArgumentException("events must be >= 0: " + events);
        }
        if (!(eventsPerSecond > 0)) {
            throw new IllegalArgumentException("eventsPerSecond must be > 0: " + eventsPerSecond);
        }
        if (personProportion < 1 || auctionProportion < 1 || bidProportion < 1) {
            throw new IllegalArgumentException("proportions must be >= 1: " + personProportion + ":" + auctionProportion
                    + ":" + bidProportion);
        }
        if (hotAuctionRatio < 1 || hotSellersRatio < 1 || hotBiddersRatio < 1 || numActivePeople < 1
                || numInFlightAuctions < 1) {
            throw new IllegalArgumentException("ratios and counts must be >= 1");
        }
    }

    /** Beam's and the Flink suite's defaults, {@code events} events at {@code eventsPerSecond}. */
    public static NexmarkConfig of(long events, double eventsPerSecond, long seed) {
        return new NexmarkConfig(events, eventsPerSecond, DEFAULT_BASE_TIME, seed, 1, 3, 46, 2, 4, 4, 1000, 100,
                200, 500, 100);
    }

    int totalProportion() {
        return personProportion + auctionProportion + bidProportion;
    }

    /** Event time of event number {@code n} (Beam's {@code timestampForEvent}), epoch milliseconds. */
    long timestampForEvent(long n) {
        double interEventDelayUs = 1_000_000.0 / eventsPerSecond;
        return baseTime + (long) (n * interEventDelayUs) / 1000L;
    }
}
