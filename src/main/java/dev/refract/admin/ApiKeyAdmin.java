package dev.refract.admin;

import dev.refract.http.ApiException;
import dev.refract.http.Limits;
import dev.refract.refund.Actor;
import dev.refract.refund.AuditAction;
import dev.refract.refund.AuditEntry;
import dev.refract.store.ApiKeyStore;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * What an operator may do to a merchant's API keys: make one (shown this once), list them, revoke one, roll one
 * (a new key of the same name and mode, the old one valid for a while longer). Every check of the input comes before
 * the write; a failed check writes nothing.
 */
@ApplicationScoped
public class ApiKeyAdmin {

    private static final Logger LOG = Logger.getLogger(ApiKeyAdmin.class);
    static final int MAX_NAME = 100;
    static final long DEFAULT_ROLL_SECONDS = 86_400;
    static final long MAX_ROLL_SECONDS = 604_800;

    private final MerchantAdmin merchants;
    private final ApiKeyStore keys;

    ApiKeyAdmin(MerchantAdmin merchants, ApiKeyStore keys) {
        this.merchants = merchants;
        this.keys = keys;
    }

    public Uni<ApiKeyRequests.ApiKeyView> create(Actor by, String merchantId, ApiKeyRequests.CreateApiKey request) {
        String name = name(request.name());
        ApiKeyStore.Mode mode = mode(request.mode());
        Instant expiresAt = expiresAt(request.expiresAt(), Instant.now());
        return merchants
                .existing(merchantId)
                .chain(m -> keys.create(merchantId, name, mode, expiresAt, key -> {
                    Map<String, Object> detail = new LinkedHashMap<>();
                    detail.put("name", name);
                    detail.put("mode", mode.wire);
                    if (expiresAt != null) {
                        detail.put("expires_at", expiresAt.toString());
                    }
                    return new AuditEntry(
                            by, AuditAction.API_KEY_CREATE, AuditEntry.apiKey(merchantId, key.id()), detail);
                }))
                .map(issued -> {
                    if (issued == null) { // the merchant went away in between
                        throw merchantNotFound(merchantId);
                    }
                    LOG.infof(
                            "API key %s (%s) made for merchant %s", issued.key().id(), mode.wire, merchantId);
                    return ApiKeyRequests.ApiKeyView.of(issued.key(), issued.secret());
                });
    }

    public Uni<ApiKeyRequests.ApiKeyList> list(String merchantId) {
        return merchants
                .existing(merchantId)
                .chain(m -> keys.list(merchantId))
                .map(list -> new ApiKeyRequests.ApiKeyList(list.stream()
                        .map(k -> ApiKeyRequests.ApiKeyView.of(k, null))
                        .toList()));
    }

    /** Revokes the key; revoking it again answers it as it is. */
    public Uni<ApiKeyRequests.ApiKeyView> revoke(Actor by, String merchantId, String keyId) {
        return keys.revoke(
                        merchantId,
                        keyShape(merchantId, keyId),
                        key -> new AuditEntry(
                                by,
                                AuditAction.API_KEY_REVOKE,
                                AuditEntry.apiKey(merchantId, key.id()),
                                Map.of("name", key.name())))
                .map(revoked -> {
                    if (revoked == null) {
                        throw keyNotFound(merchantId, keyId);
                    }
                    LOG.infof("API key %s of merchant %s revoked", keyId, merchantId);
                    return ApiKeyRequests.ApiKeyView.of(revoked, null);
                });
    }

    /** A new key of the same name and mode; the rolled one expires {@code expires_in_seconds} from now, or earlier. */
    public Uni<ApiKeyRequests.ApiKeyView> roll(
            Actor by, String merchantId, String keyId, ApiKeyRequests.RollApiKey request) {
        long seconds = request.expiresInSeconds() == null ? DEFAULT_ROLL_SECONDS : request.expiresInSeconds();
        if (seconds < 0 || seconds > MAX_ROLL_SECONDS) {
            throw ApiException.invalid(
                    "expires_in_seconds", "expires_in_seconds must be 0 to " + MAX_ROLL_SECONDS + ", not " + seconds);
        }
        String id = keyShape(merchantId, keyId);
        return keys.roll(
                        merchantId,
                        id,
                        Instant.now().plusSeconds(seconds),
                        successor -> new AuditEntry(
                                by,
                                AuditAction.API_KEY_ROLL,
                                AuditEntry.apiKey(merchantId, id),
                                Map.of("successor_key_id", successor.id(), "expires_in_seconds", seconds)))
                .chain(issued -> {
                    if (issued != null) {
                        LOG.infof(
                                "API key %s of merchant %s rolled to %s; it expires in %d s",
                                keyId, merchantId, issued.key().id(), seconds);
                        return Uni.createFrom().item(ApiKeyRequests.ApiKeyView.of(issued.key(), issued.secret()));
                    }
                    // nothing rolled: say why
                    return keys.get(merchantId, id).map(k -> {
                        if (k == null) {
                            throw keyNotFound(merchantId, keyId);
                        }
                        throw ApiException.invalid(
                                "id", "API key " + keyId + " is revoked: a revoked key cannot be rolled");
                    });
                });
    }

    private static String name(String name) {
        if (name == null || name.isBlank() || name.length() > MAX_NAME) {
            throw ApiException.invalid("name", "name must be 1 to " + MAX_NAME + " characters");
        }
        return name;
    }

    private static ApiKeyStore.Mode mode(String wire) {
        ApiKeyStore.Mode mode = ApiKeyStore.Mode.of(wire);
        if (mode == null) {
            throw ApiException.invalid("mode", "mode must be full or read_only");
        }
        return mode;
    }

    /** RFC 3339 with an offset, in the future; absent: no expiry. */
    static Instant expiresAt(String text, Instant now) {
        if (text == null) {
            return null;
        }
        Instant at;
        try {
            at = OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw ApiException.invalid("expires_at", "expires_at must be an RFC 3339 time, e.g. 2026-01-20T15:30:00Z");
        }
        if (!at.isAfter(now)) {
            throw ApiException.invalid("expires_at", "expires_at " + text + " is not in the future");
        }
        return at;
    }

    /** A key id that cannot exist is not looked up: the same 404 as an unknown one. */
    private static String keyShape(String merchantId, String keyId) {
        if (!ApiKeyStore.isKeyId(keyId)) {
            throw keyNotFound(merchantId, keyId);
        }
        return keyId;
    }

    private static ApiException keyNotFound(String merchantId, String keyId) {
        return new ApiException(
                404,
                "invalid_request_error",
                "not_found",
                Limits.isId(merchantId) && ApiKeyStore.isKeyId(keyId)
                        ? "merchant " + merchantId + " has no API key " + keyId
                        : "no such API key",
                null);
    }

    private static ApiException merchantNotFound(String merchantId) {
        return new ApiException(404, "invalid_request_error", "merchant_not_found", "no merchant " + merchantId, null);
    }
}
