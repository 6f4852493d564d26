package dev.refract.store;

import dev.refract.refund.AuditEntry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Merchants' API keys in {@code api_keys}. A key is 256 random bits, shown once; only its SHA-256 is stored, and a
 * request's key is found by that hash (one index lookup), so the table is useless to whoever reads it.
 */
@ApplicationScoped
public class ApiKeyStore {

    /** What a key may do: {@code full}, or {@code read_only} (every GET of the merchant API, nothing else). */
    public enum Mode {
        FULL("full"),
        READ_ONLY("read_only");

        public final String wire;

        Mode(String wire) {
            this.wire = wire;
        }

        /** The mode of its wire name, or null. */
        public static Mode of(String wire) {
            for (Mode m : values()) {
                if (m.wire.equals(wire)) {
                    return m;
                }
            }
            return null;
        }
    }

    /** A key as operators see it: never the key itself, nor its hash. */
    public record ApiKey(
            String merchantId,
            String id,
            String name,
            Mode mode,
            String prefix,
            Instant createdAt,
            Instant expiresAt,
            Instant revokedAt,
            Instant lastUsedAt) {}

    /** A key just made, with the only copy of its secret. */
    public record Issued(ApiKey key, String secret) {
        @Override
        public String toString() {
            return "Issued[" + key + "]";
        }
    }

    static final String KEY_PREFIX = "rk_";
    static final Pattern KEY_ID = Pattern.compile("key_[0-9a-f]{32}");

    /** Newest first: a key's id begins with its creation time (see {@code api_key_id} in V9). */
    static final String LIST = "select * from api_keys where merchant_id = $1 order by id desc";

    static final String ONE = "select * from api_keys where merchant_id = $1 and id = $2";

    /** Inserts nothing when there is no such merchant; the id and created_at are the database's. */
    static final String INSERT = """
            insert into api_keys (merchant_id, name, mode, key_hash, prefix, expires_at)
            select m.id, $2, $3, $4, $5, $6::timestamptz from merchants m where m.id = $1
            returning *""";

    /**
     * Revokes once (a second revocation keeps the first time), and takes the key's hash out of
     * {@code merchants.api_key_hash}, where the builds before V9 look keys up during a rolling update.
     */
    static final String REVOKE = """
            with k as (
                update api_keys set revoked_at = coalesce(revoked_at, now())
                where merchant_id = $1 and id = $2
                returning *),
            legacy as (
                update merchants m set api_key_hash = null
                from k where m.id = k.merchant_id and m.api_key_hash = k.key_hash)
            select * from k""";

    /**
     * The rolled key expires at $3 (or earlier, if it already would), and a key of the same name and mode is made,
     * in one statement; nothing happens to a revoked key.
     */
    static final String ROLL = """
            with old as (
                update api_keys set expires_at = least(coalesce(expires_at, $3), $3)
                where merchant_id = $1 and id = $2 and revoked_at is null
                returning *)
            insert into api_keys (merchant_id, name, mode, key_hash, prefix)
            select merchant_id, name, mode, $4, $5 from old
            returning *, (select key_hash from old) as rolled_key_hash""";

    /**
     * A key's last use, to the minute, never moved back; the row found by its primary key, whatever the statistics
     * say (a join against the keys of a batch would be planned as a scan of the whole table on a fresh one).
     */
    static final String MARK_USED = """
            update api_keys set last_used_at = $3
            where merchant_id = $1 and id = $2 and (last_used_at is null or last_used_at < $3)""";

    private final Pool pool;
    private final KeyCredentials credentials;
    private final SecureRandom random = new SecureRandom();

    ApiKeyStore(Pool pool, KeyCredentials credentials) {
        this.pool = pool;
        this.credentials = credentials;
    }

    /** The merchant's keys, newest first, revoked and expired ones included. */
    public Uni<List<ApiKey>> list(String merchantId) {
        return pool.preparedQuery(LIST).execute(Tuple.of(merchantId)).map(ApiKeyStore::keys);
    }

    /** One key of the merchant, or null. */
    public Uni<ApiKey> get(String merchantId, String keyId) {
        return pool.preparedQuery(ONE).execute(Tuple.of(merchantId, keyId)).map(ApiKeyStore::first);
    }

    /**
     * A new key for the merchant, and the operator's entry in the audit trail ({@code audit} of the key made) in the
     * same transaction; null, writing neither, when there is no such merchant.
     */
    public Uni<Issued> create(
            String merchantId, String name, Mode mode, Instant expiresAt, Function<ApiKey, AuditEntry> audit) {
        String secret = newSecret();
        return pool.withTransaction(conn -> conn.preparedQuery(INSERT)
                        .execute(Tuple.from(Arrays.asList(
                                merchantId,
                                name,
                                mode.wire,
                                hash(secret),
                                prefixOf(secret),
                                expiresAt == null ? null : RowMapping.time(expiresAt))))
                        .call(rows -> audited(conn, rows, audit)))
                .map(rows -> issued(first(rows), secret));
    }

    /**
     * Revokes the key and answers it, with the operator's entry in the audit trail in the same transaction; null,
     * writing neither, when the merchant has no such key. This replica forgets the key at once, every other one
     * within {@link KeyCredentials#MAX_STALENESS}.
     */
    public Uni<ApiKey> revoke(String merchantId, String keyId, Function<ApiKey, AuditEntry> audit) {
        return pool.withTransaction(conn -> conn.preparedQuery(REVOKE)
                        .execute(Tuple.of(merchantId, keyId))
                        .call(rows -> audited(conn, rows, audit)))
                .call(rows -> forget(rows, "key_hash"))
                .map(ApiKeyStore::first);
    }

    /**
     * A new key in place of this one, which stays valid until {@code oldExpiresAt}, with the operator's entry in the
     * audit trail ({@code audit} of the new key) in the same transaction; null, writing neither, when the merchant
     * has no such key, or it is revoked ({@link #get} tells which).
     */
    public Uni<Issued> roll(String merchantId, String keyId, Instant oldExpiresAt, Function<ApiKey, AuditEntry> audit) {
        String secret = newSecret();
        return pool.withTransaction(conn -> conn.preparedQuery(ROLL)
                        .execute(Tuple.of(
                                merchantId, keyId, RowMapping.time(oldExpiresAt), hash(secret), prefixOf(secret)))
                        .call(rows -> audited(conn, rows, audit)))
                .call(rows -> forget(rows, "rolled_key_hash"))
                .map(rows -> issued(first(rows), secret));
    }

    /** The audit entry of the key a statement answered, on its transaction; nothing when it answered none. */
    private static Uni<Void> audited(SqlConnection conn, RowSet<Row> rows, Function<ApiKey, AuditEntry> audit) {
        ApiKey key = first(rows);
        return key == null ? Uni.createFrom().voidItem() : AuditTrail.record(conn, audit.apply(key));
    }

    /** One key's last use, to be written. */
    public record Use(String merchantId, String keyId, Instant at) {}

    /** Writes the last uses, one statement per key sent as one batch; answers how many keys moved. */
    public Uni<Integer> markUsed(List<Use> uses) {
        List<Tuple> batch = new ArrayList<>(uses.size());
        for (Use use : uses) {
            batch.add(Tuple.of(use.merchantId(), use.keyId(), RowMapping.time(use.at())));
        }
        return pool.preparedQuery(MARK_USED).executeBatch(batch).map(rows -> {
            int moved = 0;
            for (RowSet<Row> r = rows; r != null; r = r.next()) {
                moved += r.rowCount();
            }
            return moved;
        });
    }

    /** Whether a text can be a key id at all (anything else is not found, without a query). */
    public static boolean isKeyId(String id) {
        return id != null && KEY_ID.matcher(id).matches();
    }

    String newSecret() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return KEY_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** "rk_" and the next 6 characters: enough to tell a merchant's keys apart, nothing to guess the rest from. */
    static String prefixOf(String secret) {
        return secret.substring(0, Math.min(secret.length(), KEY_PREFIX.length() + 6));
    }

    /** The hex SHA-256 of a key, as stored and looked up. */
    public static String hash(String apiKey) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(apiKey.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** Drops the changed key's cached credential on this replica. */
    private Uni<Void> forget(RowSet<Row> rows, String hashColumn) {
        return rows.size() == 0
                ? Uni.createFrom().voidItem()
                : credentials.forget(rows.iterator().next().getString(hashColumn));
    }

    private static Issued issued(ApiKey key, String secret) {
        return key == null ? null : new Issued(key, secret);
    }

    private static ApiKey first(RowSet<Row> rows) {
        List<ApiKey> keys = keys(rows);
        return keys.isEmpty() ? null : keys.get(0);
    }

    private static List<ApiKey> keys(RowSet<Row> rows) {
        List<ApiKey> keys = new ArrayList<>(rows.size());
        for (Row r : rows) {
            keys.add(new ApiKey(
                    r.getString("merchant_id"),
                    r.getString("id"),
                    r.getString("name"),
                    Mode.of(r.getString("mode")),
                    r.getString("prefix"),
                    instant(r.getOffsetDateTime("created_at")),
                    instant(r.getOffsetDateTime("expires_at")),
                    instant(r.getOffsetDateTime("revoked_at")),
                    instant(r.getOffsetDateTime("last_used_at"))));
        }
        return keys;
    }

    private static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }
}
