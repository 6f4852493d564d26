package dev.refract.api;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/**
 * A token bucket per API key (by its hash, before the key is even looked up, so guessing keys is throttled too),
 * per replica. Over the limit: 429 {@code rate_limited} with {@code Retry-After}. Idle buckets are forgotten.
 */
@ApplicationScoped
public class RateLimiter {

    @ConfigMapping(prefix = "refract.rate-limit")
    public interface Settings {
        /** Sustained requests per second per API key. */
        @WithDefault("100")
        double requestsPerSecond();

        /** Requests a key may send at once after being idle. */
        @WithDefault("200")
        int burst();
    }

    private static final class Bucket {
        private double tokens;
        private long refilledAt;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.refilledAt = now;
        }
    }

    private final Settings settings;
    private final Cache<String, Bucket> buckets = Caffeine.newBuilder()
            .expireAfterAccess(Duration.ofMinutes(10))
            .maximumSize(100_000)
            .build();

    RateLimiter(Settings settings) {
        this.settings = settings;
    }

    /** Takes one token for the key, or refuses with the seconds until one is available. */
    public void acquire(String keyHash) {
        long now = System.nanoTime();
        Bucket bucket = buckets.get(keyHash, k -> new Bucket(settings.burst(), now));
        long retryAfter;
        synchronized (bucket) {
            double elapsed = (now - bucket.refilledAt) / 1e9;
            bucket.tokens = Math.min(settings.burst(), bucket.tokens + elapsed * settings.requestsPerSecond());
            bucket.refilledAt = now;
            if (bucket.tokens >= 1) {
                bucket.tokens -= 1;
                return;
            }
            retryAfter = (long) Math.ceil((1 - bucket.tokens) / settings.requestsPerSecond());
        }
        throw new ApiException(429, "rate_limit_error", "rate_limited",
                "too many requests for this API key; retry after " + Math.max(1, retryAfter) + " s", null)
                .retryAfter(Math.max(1, retryAfter));
    }
}
