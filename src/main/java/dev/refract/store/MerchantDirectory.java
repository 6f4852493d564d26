package dev.refract.store;

import dev.refract.refund.AuditEntry;
import dev.refract.refund.Merchant;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * Merchants: who they are, their default connector, and where their notifications go, with the secrets that sign
 * them. A merchant is created with its first API key ({@link ApiKeyStore} keeps its keys).
 */
@ApplicationScoped
public class MerchantDirectory {

    /**
     * The merchant and its first key, named default, in one statement; nothing when the id exists. The key's hash
     * goes to {@code merchants.api_key_hash} too, where the builds before V9 look keys up during a rolling update.
     */
    static final String CREATE = """
            with m as (
                insert into merchants (id, name, api_key_hash) values ($1, $2, $3)
                on conflict (id) do nothing
                returning id, name, created_at)
            insert into api_keys (merchant_id, name, mode, key_hash, prefix)
            select m.id, 'default', 'full', $3, $4 from m
            returning merchant_id""";

    private final SecretBox secrets;
    private final Pool pool;
    private final ApiKeyStore keys;
    private final KeyCredentials credentials;
    private final SecretRotationSettings rotation;
    private final AuditTrail trail;

    MerchantDirectory(
            SecretBox secrets,
            Pool pool,
            ApiKeyStore keys,
            KeyCredentials credentials,
            SecretRotationSettings rotation,
            AuditTrail trail) {
        this.secrets = secrets;
        this.pool = pool;
        this.keys = keys;
        this.credentials = credentials;
        this.rotation = rotation;
        this.trail = trail;
    }

    /** A new merchant and its API key, which exists nowhere else after this returns. */
    public record Created(String merchantId, String name, String apiKey) {
        @Override
        public String toString() {
            return "Created[merchant=" + merchantId + "]";
        }
    }

    public Uni<MerchantEntity> get(String merchantId) {
        return Panache.withSession(() -> MerchantEntity.findById(merchantId));
    }

    /**
     * Creates the merchant with a fresh random key, and the operator's entry in the audit trail in the same
     * transaction; or answers null, writing neither, when the id exists.
     */
    public Uni<Created> create(String merchantId, String name, AuditEntry audit) {
        return create(merchantId, name, keys.newSecret(), audit);
    }

    /** Creates the merchant with the given key, or answers null when the id exists (dev mode's fixed merchant). */
    public Uni<Created> create(String merchantId, String name, String apiKey) {
        return create(merchantId, name, apiKey, null);
    }

    private Uni<Created> create(String merchantId, String name, String apiKey, AuditEntry audit) {
        return pool.withTransaction(conn -> conn.preparedQuery(CREATE)
                .execute(Tuple.of(merchantId, name, ApiKeyStore.hash(apiKey), ApiKeyStore.prefixOf(apiKey)))
                .chain(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().nullItem();
                    }
                    Created created = new Created(merchantId, name, apiKey);
                    return audit == null
                            ? Uni.createFrom().item(created)
                            : AuditTrail.record(conn, audit).replaceWith(created);
                }));
    }

    /** The changes an operator asked for; null fields stay as they are, an empty one clears it. */
    public record Update(String name, String defaultConnector, String webhookUrl, String webhookSecret) {}

    /**
     * Applies the update and writes the operator's entry in the audit trail, in one transaction; or answers null,
     * writing neither, when there is no such merchant. A new notification secret replaces the current one, which
     * keeps signing notifications beside it for {@code refract.webhooks.previous-secret-grace}.
     */
    public Uni<MerchantEntity> update(String merchantId, Update update, AuditEntry audit) {
        return Panache.withTransaction(() -> MerchantEntity.<MerchantEntity>findById(merchantId)
                        .call(m -> m == null ? Uni.createFrom().voidItem() : trail.record(audit))
                        .map(m -> {
                            if (m == null) {
                                return null;
                            }
                            // to the database's precision, so that this answer and a later read agree
                            Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
                            if (update.name() != null) {
                                m.name = update.name();
                            }
                            if (update.defaultConnector() != null) {
                                m.defaultConnector =
                                        update.defaultConnector().isEmpty() ? null : update.defaultConnector();
                            }
                            if (update.webhookUrl() != null) {
                                m.webhookUrl = update.webhookUrl().isEmpty() ? null : update.webhookUrl();
                            }
                            if (update.webhookSecret() != null) {
                                SecretRotation.Sealed rotated = SecretRotation.replace(
                                        secrets, sealed(m), update.webhookSecret(), secretContext(merchantId), now);
                                m.webhookSecretEnc = rotated.current();
                                m.previousWebhookSecretEnc = rotated.previous();
                                m.webhookSecretReplacedAt = rotated.replacedAt();
                            }
                            m.updatedAt = now;
                            return m;
                        }))
                .call(credentials::forgetAll);
    }

    /** When the merchant's previous notification secret stops signing; null when there is none in use. */
    public Instant previousSecretUntil(MerchantEntity m) {
        return m.previousWebhookSecretEnc == null || m.webhookSecretReplacedAt == null
                ? null
                : m.webhookSecretReplacedAt.plus(rotation.previousSecretGrace());
    }

    /**
     * Where a merchant's notifications go, with the secrets they are signed with: the current one, and the one it
     * replaced while its grace lasts. Empty when none is set.
     */
    public record WebhookTarget(String url, List<String> secrets) {
        @Override
        public String toString() {
            return "WebhookTarget[url=" + url + ", secrets=" + secrets.size() + "]";
        }
    }

    /** The merchant's notification target as of {@code now}; null when it has no webhook_url. */
    public Uni<WebhookTarget> webhookTarget(String merchantId, Instant now) {
        return get(merchantId).map(m -> {
            if (m == null || m.webhookUrl == null) {
                return null;
            }
            if (m.webhookSecretEnc == null) {
                return new WebhookTarget(m.webhookUrl, List.of());
            }
            String current = secrets.open(m.webhookSecretEnc, secretContext(merchantId));
            String previous = SecretRotation.openPrevious(
                    secrets, sealed(m), secretContext(merchantId), rotation.previousSecretGrace(), now);
            return new WebhookTarget(m.webhookUrl, previous == null ? List.of(current) : List.of(current, previous));
        });
    }

    public static Merchant toMerchant(MerchantEntity m) {
        return new Merchant(m.id, m.name, m.defaultConnector);
    }

    private static SecretRotation.Sealed sealed(MerchantEntity m) {
        return new SecretRotation.Sealed(m.webhookSecretEnc, m.previousWebhookSecretEnc, m.webhookSecretReplacedAt);
    }

    private static String secretContext(String merchantId) {
        return "merchants/" + merchantId + "/webhook_secret";
    }
}
