package dev.refract.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The waits between sends: doubling, jittered within [half, all] of the step, capped, never under Retry-After. */
class RetryPolicyTest {

    final RetryPolicy policy =
            new RetryPolicy(5, Duration.ofMillis(400), Duration.ofMillis(3000), Duration.ofSeconds(60));

    @Test
    void doublesWithJitterUpToTheCap() {
        long[] caps = {400, 800, 1600, 3000, 3000};
        for (int retry = 1; retry <= caps.length; retry++) {
            Set<Long> seen = new HashSet<>();
            for (int i = 0; i < 200; i++) {
                long ms = policy.delay(retry, null).toMillis();
                assertTrue(ms >= caps[retry - 1] / 2 && ms <= caps[retry - 1], "retry " + retry + ": " + ms);
                seen.add(ms);
            }
            assertTrue(seen.size() > 20, "jittered, not fixed: " + seen.size() + " distinct waits");
        }
    }

    @Test
    void neverRetriesSoonerThanRetryAfter() {
        assertEquals(Duration.ofSeconds(7), policy.delay(1, Duration.ofSeconds(7)));
        assertTrue(policy.delay(4, Duration.ZERO).toMillis() >= 1500);
    }

    @Test
    void retriesOnly429And5xx() {
        for (int status : new int[] {429, 500, 502, 503, 504}) {
            assertTrue(RetryPolicy.retryable(status), String.valueOf(status));
        }
        for (int status : new int[] {200, 400, 401, 402, 403, 404, 409, 422}) {
            assertTrue(!RetryPolicy.retryable(status), String.valueOf(status));
        }
    }

    @Test
    void refusesAnUnboundedPolicy() {
        assertThrows(
                IllegalArgumentException.class, () -> new RetryPolicy(11, Duration.ZERO, Duration.ZERO, Duration.ZERO));
        assertThrows(
                IllegalArgumentException.class,
                () -> new RetryPolicy(3, Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ZERO));
    }
}
