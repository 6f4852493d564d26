package dev.refract.refund;

import java.time.Duration;
import java.time.Instant;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff from {@code base}, capped at {@code max}, with "equal jitter" (half fixed, half random) so
 * that replicas and items that failed together do not come back together. Shared by the janitor's refunds and
 * the outbox's deliveries.
 */
public record Backoff(Duration base, Duration max, DoubleSupplier random) {

    /** The wait after the {@code attempts}-th failed attempt. */
    public Duration delay(int attempts) {
        int exponent = Math.max(0, Math.min(attempts - 1, 30));
        long capped = Math.min(max.toMillis(), base.toMillis() * (1L << exponent));
        long half = capped / 2;
        return Duration.ofMillis(half + (long) (random.getAsDouble() * (capped - half)));
    }

    public Instant nextAction(int attempts, Instant now) {
        return now.plus(delay(attempts));
    }
}
