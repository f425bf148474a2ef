package dev.sluice.bench.nexmark;

import static java.util.Objects.requireNonNull;

/** A new person registering (Nexmark's {@code person} table). */
public record Person(long id, String name, String emailAddress, String creditCard, String city, String state,
                     long dateTime, String extra) implements NexmarkEvent {
    public Person {
        requireNonNull(name, "name is null");
        requireNonNull(emailAddress, "emailAddress is null");
        requireNonNull(creditCard, "creditCard is null");
        requireNonNull(city, "city is null");
        requireNonNull(state, "state is null");
        requireNonNull(extra, "extra is null");
    }

    @Override
    public String key() {
        return Long.toString(id);
    }

    @Override
    public String toJson() {
        StringBuilder sb = new StringBuilder(256);
        sb.append("{\"id\": ").append(id).append(", ");
        NexmarkEvent.appendString(sb, "name", name);
        sb.append(", ");
        NexmarkEvent.appendString(sb, "emailAddress", emailAddress);
        sb.append(", ");
        NexmarkEvent.appendString(sb, "creditCard", creditCard);
        sb.append(", ");
        NexmarkEvent.appendString(sb, "city", city);
        sb.append(", ");
        NexmarkEvent.appendString(sb, "state", state);
        sb.append(", \"dateTime\": ").append(dateTime).append(", ");
        NexmarkEvent.appendString(sb, "extra", extra);
        return sb.append('}').toString();
    }
}
