package dev.refract.api;

import dev.refract.http.Bearer;
import dev.refract.refund.Merchant;
import dev.refract.store.ApiKeyStore;
import dev.refract.store.KeyCredentials;
import dev.refract.store.KeyUsage;
import io.quarkus.cache.Cache;
import io.quarkus.cache.CaffeineCache;
import io.quarkus.cache.runtime.caffeine.CaffeineCacheImpl;
import io.quarkus.cache.runtime.caffeine.CaffeineCacheInfo;
import io.smallrye.mutiny.Uni;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Constructor;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The CPU time of the API key check of one merchant request, on the application's own classes: the Authorization
 * header read, the key's SHA-256, the rate limiter, the key's cached credential (the Quarkus Caffeine cache the
 * application uses, with its settings), the revocation, expiry and read-only checks, and the note of the key's last
 * use: {@code MerchantAuth.authenticate}, as the request filter calls it. Beside it, the check as it was before keys
 * could be revoked (header, hash, rate limiter, cached merchant), so that what keys added shows on its own.
 *
 * <p>Every answer comes from the cache here, as for nearly every request: a replica reads a key from the database
 * at most once per 4 s, which this program leaves out (it has no database) and {@code docs/benchmarks.md} accounts
 * for. Each measurement lasts 1 s, less than the 4 s a cached answer may be used, and the cache is filled right
 * before it.
 *
 * <pre>bench/keycheck.sh [KEYS] [WINDOWS]</pre>
 */
public class KeyCheck {

    static final int WARM_UP = 5;

    public static void main(String[] args) throws Exception {
        int keys = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
        int windows = args.length > 1 ? Integer.parseInt(args[1]) : 9;
        long windowNanos = Duration.ofSeconds(1).toNanos();

        CaffeineCacheInfo info = new CaffeineCacheInfo();
        info.name = "merchants-by-key";
        info.maximumSize = 10_000L; // application.properties
        info.expireAfterWrite = KeyCredentials.MAX_STALENESS;
        Cache cache = new CaffeineCacheImpl(info, false);
        // the pool is never used: every answer is in the cache
        KeyCredentials credentials = construct(KeyCredentials.class, null, cache);
        KeyUsage usage = construct(KeyUsage.class, construct(ApiKeyStore.class, null, credentials), usageSettings());
        RateLimiter limiter = new RateLimiter(limiterSettings(), System::nanoTime);
        MerchantAuth auth = new MerchantAuth(credentials, limiter, usage);

        // the check before revocable keys: a cached merchant by key hash, nothing else
        CaffeineCacheInfo oldInfo = new CaffeineCacheInfo();
        oldInfo.name = "merchants-by-key-before";
        oldInfo.maximumSize = 10_000L;
        oldInfo.expireAfterWrite = Duration.ofSeconds(30);
        Cache before = new CaffeineCacheImpl(oldInfo, false);
        RateLimiter beforeLimiter = new RateLimiter(limiterSettings(), System::nanoTime);

        SecureRandom random = new SecureRandom();
        String[] headers = new String[keys];
        String[] hashes = new String[keys];
        List<KeyCredentials.Credential> found = new ArrayList<>();
        for (int i = 0; i < keys; i++) {
            byte[] bytes = new byte[32];
            random.nextBytes(bytes);
            String key = "rk_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            headers[i] = "Bearer " + key;
            hashes[i] = ApiKeyStore.hash(key);
            found.add(new KeyCredentials.Credential(
                    new Merchant("m_bench_" + i % 100, "Bench", null),
                    "key_" + "%032x".formatted(i),
                    i % 2 == 0 ? ApiKeyStore.Mode.FULL : ApiKeyStore.Mode.READ_ONLY,
                    null,
                    null));
        }
        Constructor<?> read = Class.forName("dev.refract.store.KeyCredentials$Read")
                .getDeclaredConstructor(Optional.class, long.class);
        read.setAccessible(true);

        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        System.out.printf("%d keys, %d windows of 1 s each way after %d of warm-up, one thread%n", keys, windows, WARM_UP);
        System.out.printf("%8s %12s %14s %14s %14s%n", "window", "checks", "now µs/check", "before µs", "added µs");
        List<Double> added = new ArrayList<>();
        List<Double> now = new ArrayList<>();
        for (int w = 1 - WARM_UP; w <= windows; w++) { // the first windows warm the JIT and are not counted
            for (int i = 0; i < keys; i++) {
                Object entry = read.newInstance(Optional.of(found.get(i)), System.nanoTime());
                cache.as(CaffeineCache.class).put(hashes[i], CompletableFuture.completedFuture(entry));
            }
            double[] nowCheck = run(threads, windowNanos, keys, i -> {
                Merchant[] answer = new Merchant[1];
                auth.authenticate(headers[i], "GET").subscribe().with(m -> answer[0] = m, e -> {
                    throw new IllegalStateException(e);
                });
                return answer[0];
            });
            for (int i = 0; i < keys; i++) {
                before.as(CaffeineCache.class)
                        .put(hashes[i], CompletableFuture.completedFuture(Optional.of(found.get(i).merchant())));
            }
            double[] beforeCheck = run(threads, windowNanos, keys, i -> {
                Merchant[] answer = new Merchant[1];
                String key = Bearer.token(headers[i], 200);
                String hash = ApiKeyStore.hash(key);
                beforeLimiter.acquire(hash);
                before.<String, Optional<Merchant>>getAsync(hash, h -> Uni.createFrom().nullItem())
                        .map(m -> m.orElse(null))
                        .subscribe()
                        .with(m -> answer[0] = m, e -> {
                            throw new IllegalStateException(e);
                        });
                return answer[0];
            });
            if (w >= 1) {
                now.add(nowCheck[1]);
                added.add(nowCheck[1] - beforeCheck[1]);
                System.out.printf(
                        "%8d %12.0f %14.3f %14.3f %14.3f%n",
                        w, nowCheck[0], nowCheck[1], beforeCheck[1], nowCheck[1] - beforeCheck[1]);
            }
        }
        now.sort(null);
        added.sort(null);
        System.out.printf(
                "median: the key check %.3f µs of CPU per request, of which revocable keys added %.3f µs%n",
                now.get(now.size() / 2), added.get(added.size() / 2));
    }

    interface Check {
        Merchant call(int i);
    }

    /** Checks round the keys for about {@code nanos}; answers {checks, µs of this thread's CPU per check}. */
    static double[] run(ThreadMXBean threads, long nanos, int keys, Check check) {
        long calls = 0;
        long cpu0 = threads.getCurrentThreadCpuTime();
        long end = System.nanoTime() + nanos;
        int i = 0;
        while (System.nanoTime() < end) {
            for (int n = 0; n < 1_000; n++) {
                if (check.call(i) == null) {
                    throw new IllegalStateException("the check answered asynchronously or not at all");
                }
                i = i + 1 == keys ? 0 : i + 1;
            }
            calls += 1_000;
        }
        long cpu = threads.getCurrentThreadCpuTime() - cpu0;
        return new double[] {calls, cpu / 1_000.0 / calls};
    }

    static <T> T construct(Class<T> type, Object... args) throws ReflectiveOperationException {
        for (Constructor<?> c : type.getDeclaredConstructors()) {
            if (c.getParameterCount() == args.length) {
                c.setAccessible(true);
                return type.cast(c.newInstance(args));
            }
        }
        throw new NoSuchMethodException(type.getName());
    }

    static RateLimiter.Settings limiterSettings() {
        return new RateLimiter.Settings() {
            @Override
            public double requestsPerSecond() {
                return 1e9; // as bench/run.sh: the limit is not what is measured, the bucket's arithmetic is
            }

            @Override
            public int burst() {
                return 1_000_000_000;
            }

            @Override
            public int maxKeys() {
                return 100_000;
            }
        };
    }

    static KeyUsage.Settings usageSettings() {
        return new KeyUsage.Settings() {
            @Override
            public Duration lastUsedFlushInterval() {
                return Duration.ofSeconds(10);
            }

            @Override
            public int lastUsedMaxKeys() {
                return 10_000;
            }

            @Override
            public boolean lastUsedFlushEnabled() {
                return false;
            }
        };
    }
}
