package dev.refract.store;

import dev.refract.refund.Merchant;
import io.quarkus.cache.Cache;
import io.quarkus.cache.CacheName;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * What a request's API key stands for, found by the key's SHA-256 (one index lookup) and cached per replica: every
 * request authenticates, and a database round trip for each was a fifth of a create's CPU.
 *
 * <p>The cache ({@code quarkus.cache.caffeine."merchants-by-key"}) is Caffeine, local to the replica: a change made
 * through another replica does not reach it. So an answer is used for at most {@link #MAX_STALENESS} after it was
 * read from the database, whatever the cache's own settings say; past that it is read again. A revocation, a roll
 * or a change of the merchant thus reaches every replica within that time, and at once the replica that made it.
 * Expiry needs no reading at all: each request compares the key's {@code expires_at} with the clock.
 */
@ApplicationScoped
public class KeyCredentials {

    /**
     * The longest an answer read from the database is used. The contract gives a revocation 5 s to reach every
     * replica; the rest is the time a revocation takes to commit and a request to be answered. The cost is bounded
     * too: at most one lookup per key in use, per replica, per this time.
     */
    public static final Duration MAX_STALENESS = Duration.ofSeconds(4);

    static final String LOOKUP = """
            select k.merchant_id, k.id, k.mode, k.expires_at, k.revoked_at, m.name, m.default_connector
            from api_keys k join merchants m on m.id = k.merchant_id
            where k.key_hash = $1""";

    /** What a request's key hash stands for: the merchant, and the key's own state when it was read. */
    public record Credential(
            Merchant merchant, String keyId, ApiKeyStore.Mode mode, Instant expiresAt, Instant revokedAt) {}

    /**
     * A database answer (an empty one for an unknown key) and when the query was sent, on the replica's nano clock:
     * the answer shows the key as it was at that time or later.
     */
    record Read(Optional<Credential> credential, long readAtNanos) {}

    private final Pool pool;
    private final Cache cache;
    private final LongSupplier nanoClock = System::nanoTime;

    KeyCredentials(Pool pool, @CacheName("merchants-by-key") Cache cache) {
        this.pool = pool;
        this.cache = cache;
    }

    /** The credential of a key hash, never older than {@link #MAX_STALENESS}; null when no key has that hash. */
    public Uni<Credential> byHash(String hash) {
        return cache.getAsync(hash, this::read)
                .chain(cached -> {
                    if (nanoClock.getAsLong() - cached.readAtNanos() <= MAX_STALENESS.toNanos()) {
                        return Uni.createFrom().item(cached);
                    }
                    // the cache kept it longer than we may use it (its expiry is set longer, or the entry was being
                    // refreshed): read it again
                    return cache.invalidate(hash).chain(() -> cache.getAsync(hash, this::read));
                })
                .map(read -> read.credential().orElse(null));
    }

    /** This replica reads the key of this hash again at its next use. */
    public Uni<Void> forget(String hash) {
        return cache.invalidate(hash);
    }

    /** This replica reads every key again at its next use (a merchant changed: its name, its default connector). */
    public Uni<Void> forgetAll() {
        return cache.invalidateAll();
    }

    private Uni<Read> read(String hash) {
        long readAt = nanoClock.getAsLong();
        return pool.preparedQuery(LOOKUP).execute(Tuple.of(hash)).map(rows -> {
            if (rows.size() == 0) {
                return new Read(Optional.empty(), readAt);
            }
            Row r = rows.iterator().next();
            return new Read(
                    Optional.of(new Credential(
                            new Merchant(
                                    r.getString("merchant_id"), r.getString("name"), r.getString("default_connector")),
                            r.getString("id"),
                            ApiKeyStore.Mode.of(r.getString("mode")),
                            instant(r.getOffsetDateTime("expires_at")),
                            instant(r.getOffsetDateTime("revoked_at")))),
                    readAt);
        });
    }

    private static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }
}
