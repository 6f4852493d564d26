package dev.refract.outbound;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithDefaults;
import io.smallrye.config.WithParentName;
import java.time.Duration;
import java.util.Map;

/**
 * Timeouts, retries and circuit breaker of each PSP: {@code refract.resilience.<connector>.*}, e.g.
 * {@code REFRACT_RESILIENCE_STRIPE_TIMEOUT=5s}. A PSP without settings gets the defaults.
 */
@ConfigMapping(prefix = "refract.resilience")
public interface ResilienceSettings {

    @WithParentName
    @WithDefaults
    Map<String, Psp> psp();

    interface Psp {
        /** Longest wait for one PSP answer. */
        @WithDefault("10s")
        Duration timeout();

        /** Resends within one call, for NotSent and Unknown only (always with the same idempotency key). */
        @WithDefault("2")
        int maxRetries();

        @WithDefault("200ms")
        Duration retryDelay();

        /** Random spread added to each retry delay so that callers failing together do not retry together. */
        @WithDefault("100ms")
        Duration retryJitter();

        /** Calls in the breaker's rolling window. */
        @WithDefault("20")
        int breakerVolume();

        /** Share of failed calls in the window that opens the breaker. */
        @WithDefault("0.5")
        double breakerFailureRatio();

        /** How long the breaker stays open before it lets a trial call through. */
        @WithDefault("10s")
        Duration breakerDelay();

        /** Successful trial calls that close it again. */
        @WithDefault("2")
        int breakerSuccesses();
    }
}
