package dev.refract.api;

import dev.refract.http.ApiException;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A token bucket per API key (by its hash, before the key is even looked up, so guessing keys is throttled too),
 * per replica. Over the limit: 429 {@code rate_limited} with {@code Retry-After}.
 *
 * <p>The buckets live in a plain {@link ConcurrentHashMap}, kept bounded by a sweep of our own rather than by a
 * cache library: a cache library that picks its implementation class by name at run time needs that class
 * registered for the native image, and nothing registers the one a hand-built cache asks for (see
 * docs/native.md). The sweep loses nothing: a bucket idle for {@code burst / requestsPerSecond} seconds has refilled
 * to {@code burst}, exactly what a new bucket holds, so forgetting it changes no answer.
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

        /**
         * Buckets kept at most. Reached only by more distinct keys within {@code burst / requestsPerSecond} seconds
         * than this (keys that are then refused 401 anyway); past it, buckets are dropped in no particular order, so
         * a dropped key starts again from a full bucket.
         */
        @WithDefault("100000")
        int maxKeys();
    }

    /** Sweeps at most this often (nanoseconds), unless the map is past its bound. */
    static final long SWEEP_EVERY_NANOS = 1_000_000_000L;

    private static final class Bucket {
        private double tokens;
        private long refilledAt;
        /** Set, under the bucket's lock, when the sweep removes it: an acquirer holding it takes a fresh one. */
        private boolean removed;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.refilledAt = now;
        }
    }

    private final Settings settings;
    private final LongSupplier nanoClock;
    private final long refillNanos;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final AtomicLong nextSweepAt;

    @Inject
    RateLimiter(Settings settings) {
        this(settings, System::nanoTime);
    }

    RateLimiter(Settings settings, LongSupplier nanoClock) {
        this.settings = settings;
        this.nanoClock = nanoClock;
        this.refillNanos = (long) Math.ceil(settings.burst() / settings.requestsPerSecond() * 1e9);
        this.nextSweepAt = new AtomicLong(nanoClock.getAsLong() + SWEEP_EVERY_NANOS);
    }

    /** Takes one token for the key, or refuses with the seconds until one is available. */
    public void acquire(String keyHash) {
        long now = nanoClock.getAsLong();
        long retryAfter;
        while (true) {
            Bucket bucket = buckets.computeIfAbsent(keyHash, k -> new Bucket(settings.burst(), now));
            synchronized (bucket) {
                if (bucket.removed) {
                    continue;
                }
                double elapsed = Math.max(0, now - bucket.refilledAt) / 1e9;
                bucket.tokens = Math.min(settings.burst(), bucket.tokens + elapsed * settings.requestsPerSecond());
                bucket.refilledAt = Math.max(now, bucket.refilledAt);
                if (bucket.tokens >= 1) {
                    bucket.tokens -= 1;
                    retryAfter = 0;
                } else {
                    retryAfter = Math.max(1, (long) Math.ceil((1 - bucket.tokens) / settings.requestsPerSecond()));
                }
            }
            break;
        }
        sweepIfDue(now);
        if (retryAfter > 0) {
            throw new ApiException(
                            429,
                            "rate_limit_error",
                            "rate_limited",
                            "too many requests for this API key; retry after " + retryAfter + " s",
                            null)
                    .retryAfter(retryAfter);
        }
    }

    /** How many keys have a bucket now. */
    int trackedKeys() {
        return buckets.size();
    }

    /** One caller at a time sweeps, at most once a second, or at once when the map is past its bound. */
    private void sweepIfDue(long now) {
        long due = nextSweepAt.get();
        if (buckets.size() <= settings.maxKeys() && now - due < 0) {
            return;
        }
        if (!nextSweepAt.compareAndSet(due, now + SWEEP_EVERY_NANOS)) {
            return; // another caller is sweeping
        }
        for (var entry : buckets.entrySet()) {
            Bucket bucket = entry.getValue();
            synchronized (bucket) {
                if (now - bucket.refilledAt >= refillNanos) {
                    remove(entry.getKey(), bucket);
                }
            }
        }
        // past the bound, down to 90 % of it, so a flood of new keys costs one full pass per tenth of the bound
        if (buckets.size() <= settings.maxKeys()) {
            return;
        }
        int keep = settings.maxKeys() - settings.maxKeys() / 10;
        for (Iterator<String> keys = buckets.keySet().iterator(); buckets.size() > keep && keys.hasNext(); ) {
            String key = keys.next();
            Bucket bucket = buckets.get(key);
            if (bucket != null) {
                synchronized (bucket) {
                    remove(key, bucket);
                }
            }
        }
    }

    /** Under the bucket's lock: an acquirer that already holds it sees {@code removed} and takes a fresh bucket. */
    private void remove(String key, Bucket bucket) {
        bucket.removed = true;
        buckets.remove(key, bucket);
    }
}
