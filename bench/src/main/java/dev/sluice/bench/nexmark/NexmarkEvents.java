package dev.sluice.bench.nexmark;

import java.util.ArrayList;
import java.util.List;

/** Generated events held in memory, split by table, each list in generation (event-time) order. */
public record NexmarkEvents(List<Person> persons, List<Auction> auctions, List<Bid> bids) {
    public NexmarkEvents {
        persons = List.copyOf(persons);
        auctions = List.copyOf(auctions);
        bids = List.copyOf(bids);
    }

    /** The events of {@code config}, generated in memory. */
    public static NexmarkEvents generate(NexmarkConfig config) {
        List<Person> persons = new ArrayList<>();
        List<Auction> auctions = new ArrayList<>();
        List<Bid> bids = new ArrayList<>();
        NexmarkGenerator generator = new NexmarkGenerator(config);
        while (generator.hasNext()) {
            NexmarkEvent event = generator.next();
            if (event instanceof Person p) {
                persons.add(p);
            } else if (event instanceof Auction a) {
                auctions.add(a);
            } else {
                bids.add((Bid) event);
            }
        }
        return new NexmarkEvents(persons, auctions, bids);
    }

    public long size() {
        return (long) persons.size() + auctions.size() + bids.size();
    }
}
