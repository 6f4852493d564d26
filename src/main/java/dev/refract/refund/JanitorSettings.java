package dev.refract.refund;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** How unsettled refunds are retried. Environment: {@code REFRACT_JANITOR_INTERVAL} and so on. */
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

    /** PSP attempts (submissions and syncs) before a refund goes to MANUAL_REVIEW. */
    @WithDefault("10")
    int maxAttempts();

    /** First retry delay; doubles with each attempt. */
    @WithDefault("5s")
    Duration backoffBase();

    /** Longest retry delay. */
    @WithDefault("1h")
    Duration backoffMax();

    /**
     * How long the janitor leaves a just-recorded refund to the request that submits it before taking it
     * over; longer than a PSP call with its retries, so that the two rarely overlap (and harmless when they
     * do: a resend carries the same idempotency key).
     */
    @WithDefault("60s")
    Duration submitGrace();

    /** How many refunds one janitor run claims. */
    @WithDefault("50")
    int batchSize();

    /** How long a claimed refund is hidden from other replicas while it is worked. */
    @WithDefault("2m")
    Duration lease();
}
