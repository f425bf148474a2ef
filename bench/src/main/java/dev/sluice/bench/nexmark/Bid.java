package dev.sluice.bench.nexmark;

import static java.util.Objects.requireNonNull;

/** A bid on an auction (Nexmark's {@code bid} table); {@code dateTime} is epoch milliseconds. */
public record Bid(long auction, long bidder, long price, String channel, String url, long dateTime, String extra)
        implements NexmarkEvent {
    public Bid {
        requireNonNull(channel, "channel is null");
        requireNonNull(url, "url is null");
        requireNonNull(extra, "extra is null");
    }

    @Override
    public String key() {
        return Long.toString(auction);
    }

    @Override
    public String toJson() {
        StringBuilder sb = new StringBuilder(192);
        sb.append("{\"auction\": ").append(auction)
                .append(", \"bidder\": ").append(bidder)
                .append(", \"price\": ").append(price).append(", ");
        NexmarkEvent.appendString(sb, "channel", channel);
        sb.append(", ");
        NexmarkEvent.appendString(sb, "url", url);
        sb.append(", \"dateTime\": ").append(dateTime).append(", ");
        NexmarkEvent.appendString(sb, "extra", extra);
        return sb.append('}').toString();
    }
}
