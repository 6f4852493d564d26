package dev.refract.reconcile;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * How the janitor runs ({@code refract.janitor.*}, e.g. {@code REFRACT_JANITOR_INTERVAL}). How a refund is retried
 * is the core's {@code RetrySettings}, under the same prefix.
 */
@ConfigMapping(prefix = "refract.janitor")
public interface JanitorSettings {

    /** How often the janitor looks for due work. */
    @WithDefault("5s")
    Duration interval();

    /** How long after start the janitor first runs (lets the database come up in dev mode). */
    @WithDefault("1s")
    Duration startDelay();

    /** Whether this instance runs the janitor at all. */
    @WithDefault("true")
    boolean enabled();

    /** How many refunds one janitor run claims. */
    @WithDefault("50")
    int batchSize();

    /** How long a claimed refund is hidden from other replicas while it is worked. */
    @WithDefault("2m")
    Duration lease();
}
