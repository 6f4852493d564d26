package dev.refract.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.refract.http.ApiException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The token bucket and its bound, on a clock the test moves: plain JUnit, no Quarkus. */
class RateLimiterTest {

    private static final long SECOND = 1_000_000_000L;

    private final AtomicLong clock = new AtomicLong(1_000 * SECOND);

    private RateLimiter limiter(double perSecond, int burst, int maxKeys) {
        RateLimiter.Settings settings = new RateLimiter.Settings() {
            @Override
            public double requestsPerSecond() {
                return perSecond;
            }

            @Override
            public int burst() {
                return burst;
            }

            @Override
            public int maxKeys() {
                return maxKeys;
            }
        };
        return new RateLimiter(settings, clock::get);
    }

    private static int refusedOf(RateLimiter limiter, String key, int requests) {
        int refused = 0;
        for (int i = 0; i < requests; i++) {
            try {
                limiter.acquire(key);
            } catch (ApiException e) {
                refused++;
            }
        }
        return refused;
    }

    @Test
    void aKeyGetsItsBurstThenIsRefusedWithTheSecondsUntilTheNextToken() {
        RateLimiter limiter = limiter(2, 5, 100);
        assertEquals(0, refusedOf(limiter, "k", 5));
        ApiException refused = assertThrows(ApiException.class, () -> limiter.acquire("k"));
        assertEquals(429, refused.status());
        assertEquals("rate_limited", refused.code());
        assertEquals(1L, refused.retryAfterSeconds());
    }

    @Test
    void tokensComeBackAtTheSustainedRate() {
        RateLimiter limiter = limiter(2, 5, 100);
        assertEquals(0, refusedOf(limiter, "k", 5));
        clock.addAndGet(SECOND); // 2 tokens
        assertEquals(1, refusedOf(limiter, "k", 3));
    }

    @Test
    void retryAfterIsTheWaitForOneTokenAtASlowRate() {
        RateLimiter limiter = limiter(0.25, 1, 100);
        limiter.acquire("k");
        ApiException refused = assertThrows(ApiException.class, () -> limiter.acquire("k"));
        assertEquals(4L, refused.retryAfterSeconds());
    }

    @Test
    void keysDoNotShareABudget() {
        RateLimiter limiter = limiter(1, 2, 100);
        assertEquals(1, refusedOf(limiter, "busy", 3));
        assertEquals(0, refusedOf(limiter, "quiet", 2));
    }

    @Test
    void aBucketIdleLongEnoughToBeFullIsForgottenAndABusyOneIsNot() {
        RateLimiter limiter = limiter(10, 20, 100); // full again after 2 s idle
        limiter.acquire("idle");
        clock.addAndGet(SECOND);
        limiter.acquire("busy");
        assertEquals(2, limiter.trackedKeys());
        clock.addAndGet(SECOND + SECOND / 2); // idle: 2.5 s, busy: 1.5 s
        limiter.acquire("third");
        assertEquals(2, limiter.trackedKeys(), "the idle bucket is swept, busy and third stay");
    }

    @Test
    void forgettingAFullBucketChangesNoAnswer() {
        RateLimiter limiter = limiter(1, 3, 100);
        assertEquals(1, refusedOf(limiter, "k", 4));
        clock.addAndGet(10 * SECOND); // full, and swept by the next call
        limiter.acquire("other");
        assertEquals(1, limiter.trackedKeys());
        assertEquals(1, refusedOf(limiter, "k", 4), "a new bucket holds the burst, as a refilled one would");
    }

    @Test
    void theNumberOfBucketsStaysBoundedUnderAFloodOfKeys() {
        RateLimiter limiter = limiter(1, 100, 1_000); // nothing refills within the flood
        for (int i = 0; i < 10_000; i++) {
            limiter.acquire("key-" + i);
            assertTrue(limiter.trackedKeys() <= 1_000, () -> "tracked " + limiter.trackedKeys());
        }
    }
}
