package dev.refract.sdk;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When a call is sent again: after a network error (no answer), a 5xx or a 429, at most {@code maxRetries} times,
 * never after any other 4xx. Every call of the merchant API may be repeated: a create carries its
 * {@code merchant_refund_id}, which makes a second send the same refund, and the rest read or ask again.
 *
 * <p>The n-th retry waits a random time between half and all of {@code initialBackoff × 2^(n-1)}, capped at
 * {@code maxBackoff} (so that many clients refused at once do not come back at once), and never less than the
 * answer's {@code Retry-After}. An answer asking to wait longer than {@code maxRetryAfter} is not waited for: it is
 * raised, with its {@code retryAfter}, for the caller to schedule.
 *
 * @param maxRetries sends after the first; 0 switches retries off
 * @param initialBackoff the first retry's wait, before jitter
 * @param maxBackoff the longest wait between two sends, before {@code Retry-After}
 * @param maxRetryAfter the longest {@code Retry-After} honoured by waiting
 */
public record RetryPolicy(int maxRetries, Duration initialBackoff, Duration maxBackoff, Duration maxRetryAfter) {

    /** 3 retries, from 500 ms doubling to at most 8 s, a Retry-After of up to 60 s waited for. */
    public static final RetryPolicy DEFAULT =
            new RetryPolicy(3, Duration.ofMillis(500), Duration.ofSeconds(8), Duration.ofSeconds(60));

    /** No retry: every failure is raised as it comes. */
    public static final RetryPolicy NONE = new RetryPolicy(0, Duration.ZERO, Duration.ZERO, Duration.ZERO);

    public RetryPolicy {
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(maxRetryAfter, "maxRetryAfter");
        if (maxRetries < 0 || maxRetries > 10) {
            throw new IllegalArgumentException("maxRetries must be 0 to 10, not " + maxRetries);
        }
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0 || maxRetryAfter.isNegative()) {
            throw new IllegalArgumentException("backoffs must satisfy 0 <= initialBackoff <= maxBackoff");
        }
    }

    /** True for the answers a retry may change: 429 and every 5xx. */
    static boolean retryable(int status) {
        return status == 429 || status >= 500;
    }

    /** The wait before retry number {@code retry} (1 for the first), given the answer's Retry-After if any. */
    Duration delay(int retry, Duration retryAfter) {
        long cap = initialBackoff.toMillis() << Math.min(retry - 1, 20);
        cap = Math.min(cap, maxBackoff.toMillis());
        long jittered = cap / 2 + (cap / 2 > 0 ? ThreadLocalRandom.current().nextLong(cap / 2 + 1) : 0);
        Duration backoff = Duration.ofMillis(jittered);
        return retryAfter != null && retryAfter.compareTo(backoff) > 0 ? retryAfter : backoff;
    }
}
