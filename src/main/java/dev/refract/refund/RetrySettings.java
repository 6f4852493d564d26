package dev.refract.refund;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * How unsettled refunds are retried ({@code refract.janitor.*}, e.g. {@code REFRACT_JANITOR_MAX_ATTEMPTS}): the
 * core's policy. How often and how much the janitor works is the janitor's own {@code JanitorSettings}, under the
 * same prefix.
 */
@ConfigMapping(prefix = "refract.janitor")
public interface RetrySettings {

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
}
