package dev.refract.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refract.refund.AuditEntry;
import dev.refract.refund.ConnectorAccount;
import io.quarkus.cache.Cache;
import io.quarkus.cache.CacheName;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/** Merchants' PSP accounts: sealed on the way in, opened on the way out, never logged. */
@ApplicationScoped
public class AccountStore {

    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};

    private final SecretBox secrets;
    private final ObjectMapper json;
    private final Cache accountsByMerchant;
    private final SecretRotationSettings rotation;
    private final AuditTrail trail;

    AccountStore(
            SecretBox secrets,
            ObjectMapper json,
            @CacheName("accounts-by-merchant") Cache accountsByMerchant,
            SecretRotationSettings rotation,
            AuditTrail trail) {
        this.secrets = secrets;
        this.json = json;
        this.accountsByMerchant = accountsByMerchant;
        this.rotation = rotation;
        this.trail = trail;
    }

    /**
     * The merchant's accounts, decrypted, cached per replica
     * ({@code quarkus.cache.caffeine."accounts-by-merchant".expire-after-write}, 10 s): every create and webhook
     * needs them. A change through this replica takes effect at once, through another within that time.
     */
    public Uni<List<ConnectorAccount>> forMerchant(String merchantId) {
        return accountsByMerchant.getAsync(
                merchantId,
                id -> Panache.withSession(() -> ConnectorAccountEntity.<ConnectorAccountEntity>list("merchantId", id))
                        .map(entities -> entities.stream().map(this::open).toList()));
    }

    /**
     * Creates or replaces the merchant's account at a connector, with the operator's audit entry, in one transaction.
     * A webhook secret other than the current one replaces it, and the current one stays valid for {@code
     * refract.webhooks.previous-secret-grace}.
     */
    public Uni<ConnectorAccount> put(ConnectorAccount account, AuditEntry audit) {
        return Panache.withTransaction(() -> ConnectorAccountEntity.<ConnectorAccountEntity>findById(
                                new ConnectorAccountEntity.Key(account.merchantId(), account.connector()))
                        .chain(found -> {
                            // to the database's precision, so that this answer and a later read agree
                            Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
                            ConnectorAccountEntity e = found != null ? found : new ConnectorAccountEntity();
                            if (found == null) {
                                e.merchantId = account.merchantId();
                                e.connector = account.connector();
                                e.createdAt = now;
                            }
                            e.enabled = account.enabled();
                            e.credentialsEnc =
                                    secrets.seal(write(account.credentials()), context(account, "credentials"));
                            SecretRotation.Sealed rotated = SecretRotation.replace(
                                    secrets,
                                    new SecretRotation.Sealed(
                                            e.webhookSecretEnc, e.previousWebhookSecretEnc, e.webhookSecretReplacedAt),
                                    account.webhookSecret(),
                                    context(account, "webhook_secret"),
                                    now);
                            e.webhookSecretEnc = rotated.current();
                            e.previousWebhookSecretEnc = rotated.previous();
                            e.webhookSecretReplacedAt = rotated.replacedAt();
                            e.settings = write(account.settings());
                            e.updatedAt = now;
                            return e.<ConnectorAccountEntity>persist();
                        })
                        .call(() -> trail.record(audit)))
                .map(this::open)
                .call(() -> accountsByMerchant.invalidate(account.merchantId()));
    }

    /**
     * The account, decrypted. The previous webhook secret comes with the end of its grace, which the webhook's
     * verification compares with its own clock: a cached account does not stretch the grace.
     */
    private ConnectorAccount open(ConnectorAccountEntity e) {
        ConnectorAccount shell = new ConnectorAccount(e.merchantId, e.connector, e.enabled, null, null, null);
        Map<String, String> credentials = read(secrets.open(e.credentialsEnc, context(shell, "credentials")));
        String webhookSecret =
                e.webhookSecretEnc == null ? null : secrets.open(e.webhookSecretEnc, context(shell, "webhook_secret"));
        Duration grace = rotation.previousSecretGrace();
        String previous = SecretRotation.openPrevious(
                secrets,
                new SecretRotation.Sealed(e.webhookSecretEnc, e.previousWebhookSecretEnc, e.webhookSecretReplacedAt),
                context(shell, "webhook_secret"),
                grace,
                Instant.now());
        return new ConnectorAccount(
                e.merchantId,
                e.connector,
                e.enabled,
                credentials,
                read(e.settings),
                webhookSecret,
                previous,
                previous == null ? null : e.webhookSecretReplacedAt.plus(grace));
    }

    private static String context(ConnectorAccount account, String field) {
        return "connector_accounts/" + account.merchantId() + "/" + account.connector() + "/" + field;
    }

    private String write(Map<String, String> map) {
        try {
            return json.writeValueAsString(map);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a map of strings", e);
        }
    }

    private Map<String, String> read(String text) {
        try {
            return json.readValue(text, STRING_MAP);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored connector account data is not a JSON object of strings");
        }
    }
}
