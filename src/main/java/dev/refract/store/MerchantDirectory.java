package dev.refract.store;

import dev.refract.refund.AuditEntry;
import dev.refract.refund.Merchant;
import io.quarkus.cache.Cache;
import io.quarkus.cache.CacheName;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Merchants and their API keys. A key is 256 random bits shown once; only its SHA-256 is stored, and a
 * request's key is found by its hash, so the stored value is useless to whoever reads the table.
 */
@ApplicationScoped
public class MerchantDirectory {

    private static final String KEY_PREFIX = "rk_";
    private final SecureRandom random = new SecureRandom();
    private final SecretBox secrets;
    private final Cache merchantsByKey;
    private final AuditTrail trail;

    MerchantDirectory(SecretBox secrets, @CacheName("merchants-by-key") Cache merchantsByKey, AuditTrail trail) {
        this.secrets = secrets;
        this.merchantsByKey = merchantsByKey;
        this.trail = trail;
    }

    /** A new merchant and its API key, which exists nowhere else after this returns; null if the id is taken. */
    public record Created(MerchantEntity merchant, String apiKey) {}

    /**
     * The merchant an API key belongs to, found by the key's {@link #hash}, or null. Answers are cached per replica
     * ({@code quarkus.cache.caffeine."merchants-by-key".expire-after-write}, 30 s) (every
     * request authenticates, and a database round trip per request was a fifth of a create's CPU); an update
     * through this replica takes effect at once, through another within that time.
     */
    public Uni<Merchant> byApiKeyHash(String hash) {
        // the key is found by its SHA-256, so lookup timing says nothing about the key itself
        return merchantsByKey
                .getAsync(
                        hash,
                        h -> Panache.withSession(() -> MerchantEntity.<MerchantEntity>find("apiKeyHash", h)
                                        .firstResult())
                                .map(m -> Optional.ofNullable(m == null ? null : toMerchant(m))))
                .map(found -> found.orElse(null));
    }

    public Uni<MerchantEntity> get(String merchantId) {
        return Panache.withSession(() -> MerchantEntity.findById(merchantId));
    }

    /**
     * Creates the merchant with a fresh random key, and the operator's entry in the audit trail in the same
     * transaction; or answers null, writing neither, when the id exists.
     */
    public Uni<Created> create(String merchantId, String name, AuditEntry audit) {
        return create(merchantId, name, newApiKey(), audit);
    }

    /** Creates the merchant with the given key (the dev-mode demo merchant), or answers null when the id exists. */
    public Uni<Created> create(String merchantId, String name, String apiKey) {
        return create(merchantId, name, apiKey, null);
    }

    private Uni<Created> create(String merchantId, String name, String apiKey, AuditEntry audit) {
        return Panache.withTransaction(() -> MerchantEntity.<MerchantEntity>findById(merchantId)
                .chain(found -> {
                    if (found != null) {
                        return Uni.createFrom().nullItem();
                    }
                    MerchantEntity m = new MerchantEntity();
                    m.id = merchantId;
                    m.name = name;
                    m.apiKeyHash = hash(apiKey);
                    m.createdAt = Instant.now();
                    m.updatedAt = m.createdAt;
                    return m.<MerchantEntity>persist()
                            .call(() -> audit == null ? Uni.createFrom().voidItem() : trail.record(audit))
                            .map(saved -> new Created(saved, apiKey));
                }));
    }

    /** The changes an operator asked for; null fields stay as they are. */
    public record Update(String name, String defaultConnector, String webhookUrl, String webhookSecret) {}

    /**
     * Applies the update and writes the operator's entry in the audit trail, in one transaction; or answers null,
     * writing neither, when there is no such merchant.
     */
    public Uni<MerchantEntity> update(String merchantId, Update update, AuditEntry audit) {
        return Panache.withTransaction(() -> MerchantEntity.<MerchantEntity>findById(merchantId)
                        .call(m -> m == null ? Uni.createFrom().voidItem() : trail.record(audit))
                        .map(m -> {
                            if (m == null) {
                                return null;
                            }
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
                                m.webhookSecretEnc = update.webhookSecret().isEmpty()
                                        ? null
                                        : secrets.seal(
                                                update.webhookSecret(), "merchants/" + merchantId + "/webhook_secret");
                            }
                            m.updatedAt = Instant.now();
                            return m;
                        }))
                .call(() -> merchantsByKey.invalidateAll());
    }

    /** Where a merchant's notifications go, with the secret they are signed with; null when none is set. */
    public record WebhookTarget(String url, String secret) {
        @Override
        public String toString() {
            return "WebhookTarget[url=" + url + ", secret=" + (secret == null ? "none" : "set") + "]";
        }
    }

    public Uni<WebhookTarget> webhookTarget(String merchantId) {
        return get(merchantId)
                .map(m -> m == null || m.webhookUrl == null
                        ? null
                        : new WebhookTarget(
                                m.webhookUrl,
                                m.webhookSecretEnc == null
                                        ? null
                                        : secrets.open(
                                                m.webhookSecretEnc, "merchants/" + merchantId + "/webhook_secret")));
    }

    public static Merchant toMerchant(MerchantEntity m) {
        return new Merchant(m.id, m.name, m.defaultConnector);
    }

    private String newApiKey() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return KEY_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static String hash(String apiKey) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(apiKey.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
