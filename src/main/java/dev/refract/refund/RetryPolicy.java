package dev.refract.refund;

import java.time.Duration;
import java.time.Instant;
import java.util.function.DoubleSupplier;

/**
 * When the janitor looks at an unsettled refund again: exponential backoff from {@code base}, capped at
 * {@code max}, with "equal jitter" (half fixed, half random) so that replicas and refunds that failed
 * together do not come back together.
 */
public record RetryPolicy(Duration base, Duration max, int maxAttempts, Duration submitGrace, DoubleSupplier random) {

    public Duration delay(int attempts) {
        int exponent = Math.max(0, Math.min(attempts - 1, 30));
        long capped = Math.min(max.toMillis(), base.toMillis() * (1L << exponent));
        long half = capped / 2;
        return Duration.ofMillis(half + (long) (random.getAsDouble() * (capped - half)));
    }

    public Instant nextAction(int attempts, Instant now) {
        return now.plus(delay(attempts));
    }

    public boolean exhausted(int attempts) {
        return attempts >= maxAttempts;
    }
}
