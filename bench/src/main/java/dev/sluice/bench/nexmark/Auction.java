package dev.sluice.bench.nexmark;

import static java.util.Objects.requireNonNull;

/** A new auction opened by a seller (Nexmark's {@code auction} table); times are epoch milliseconds. */
public record Auction(long id, String itemName, String description, long initialBid, long reserve, long dateTime,
                      long expires, long seller, long category, String extra) implements NexmarkEvent {
    public Auction {
        requireNonNull(itemName, "itemName is null");
        requireNonNull(description, "description is null");
        requireNonNull(extra, "extra is null");
    }

    @Override
    public String key() {
        return Long.toString(id);
    }

    @Override
    public String toJson() {
        StringBuilder sb = new StringBuilder(512);
        sb.append("{\"id\": ").append(id).append(", ");
        NexmarkEvent.appendString(sb, "itemName", itemName);
        sb.append(", ");
        NexmarkEvent.appendString(sb, "description", description);
        sb.append(", \"initialBid\": ").append(initialBid)
                .append(", \"reserve\": ").append(reserve)
                .append(", \"dateTime\": ").append(dateTime)
                .append(", \"expires\": ").append(expires)
                .append(", \"seller\": ").append(seller)
                .append(", \"category\": ").append(category).append(", ");
        NexmarkEvent.appendString(sb, "extra", extra);
        return sb.append('}').toString();
    }
}
