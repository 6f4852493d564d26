package dev.refract.notify;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Delivery of the outbox: merchant notifications and Credyt adjustments ({@code refract.outbox.*}). */
@ConfigMapping(prefix = "refract.outbox")
public interface OutboxSettings {

    @WithDefault("1s")
    Duration interval();

    @WithDefault("true")
    boolean enabled();

    @WithDefault("2s")
    Duration startDelay();

    /** First retry delay after a failed delivery; doubles with each attempt. */
    @WithDefault("1s")
    Duration backoffBase();

    @WithDefault("10m")
    Duration backoffMax();

    @WithDefault("50")
    int batchSize();

    /** How long a claimed item is hidden from other replicas while it is delivered. */
    @WithDefault("1m")
    Duration lease();

    /** Longest wait for a merchant's endpoint to answer. */
    @WithDefault("10s")
    Duration deliveryTimeout();
}
