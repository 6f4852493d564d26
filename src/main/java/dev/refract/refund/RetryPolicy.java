package dev.refract.refund;

import java.time.Duration;
import java.time.Instant;
import java.util.function.DoubleSupplier;

/**
 * When the janitor looks at an unsettled refund again ({@link Backoff}), when it gives up to MANUAL_REVIEW, and
 * how long it leaves a just-recorded refund to the request that submits it.
 */
public record RetryPolicy(Backoff backoff, int maxAttempts, Duration submitGrace) {

    public RetryPolicy(Duration base, Duration max, int maxAttempts, Duration submitGrace, DoubleSupplier random) {
        this(new Backoff(base, max, random), maxAttempts, submitGrace);
    }

    /** The policy of the configured settings, with a fresh random jitter per delay. */
    public static RetryPolicy of(RetrySettings settings, DoubleSupplier random) {
        return new RetryPolicy(
                settings.backoffBase(), settings.backoffMax(), settings.maxAttempts(), settings.submitGrace(), random);
    }

    public Duration delay(int attempts) {
        return backoff.delay(attempts);
    }

    public Instant nextAction(int attempts, Instant now) {
        return backoff.nextAction(attempts, now);
    }

    public boolean exhausted(int attempts) {
        return attempts >= maxAttempts;
    }
}
