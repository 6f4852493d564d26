package dev.refract.api;

import dev.refract.http.ApiException;
import dev.refract.http.Bearer;
import dev.refract.refund.Merchant;
import dev.refract.store.ApiKeyStore;
import dev.refract.store.KeyCredentials;
import dev.refract.store.KeyUsage;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * Resolves {@code Authorization: Bearer <api_key>} to the merchant it belongs to, or refuses: 401 for a missing,
 * unknown, revoked or expired key, 403 {@code permission_denied} for a read-only key on anything but GET. Every
 * refusal is logged, with the key's id when it is known, never the key.
 */
@ApplicationScoped
public class MerchantAuth {

    private static final Logger LOG = Logger.getLogger(MerchantAuth.class);
    private static final int MAX_KEY_LENGTH = 200;

    private final KeyCredentials credentials;
    private final RateLimiter limiter;
    private final KeyUsage usage;

    MerchantAuth(KeyCredentials credentials, RateLimiter limiter, KeyUsage usage) {
        this.credentials = credentials;
        this.limiter = limiter;
        this.usage = usage;
    }

    /** The merchant of a request with this Authorization header and HTTP method. */
    public Uni<Merchant> authenticate(String authorization, String method) {
        String key = Bearer.token(authorization, MAX_KEY_LENGTH);
        if (key == null) {
            LOG.infof("refused %s: no API key in the Authorization header", method);
            return Uni.createFrom().failure(ApiException.authenticationRequired());
        }
        String hash = ApiKeyStore.hash(key);
        try {
            limiter.acquire(hash);
        } catch (ApiException e) {
            return Uni.createFrom().failure(e);
        }
        return credentials.byHash(hash).map(credential -> admit(credential, method, Instant.now()));
    }

    /**
     * The merchant, when the key may make this request now (its use is noted for last_used_at); otherwise the
     * refusal, logged.
     */
    Merchant admit(KeyCredentials.Credential key, String method, Instant now) {
        ApiException refusal = refusal(key, method, now);
        if (refusal == null) {
            usage.record(key.merchant().id(), key.keyId(), now);
            return key.merchant();
        }
        if (key == null) {
            // nothing derived from what was presented, not even part of its hash: a weak credential sent to the
            // wrong API (the admin token, say) could be guessed offline from it
            LOG.infof("refused %s: unknown API key", method);
        } else {
            LOG.warnf(
                    "refused %s with API key %s of merchant %s: %s",
                    method, key.keyId(), key.merchant().id(), refusal.getMessage());
        }
        throw refusal;
    }

    /** Why the key may not make this request at {@code now}; null when it may. */
    static ApiException refusal(KeyCredentials.Credential key, String method, Instant now) {
        if (key == null) {
            return ApiException.authenticationRequired();
        }
        if (key.revokedAt() != null) {
            return unauthenticated("the API key was revoked");
        }
        if (key.expiresAt() != null && !now.isBefore(key.expiresAt())) {
            return unauthenticated("the API key expired");
        }
        if (key.mode() == ApiKeyStore.Mode.READ_ONLY && !"GET".equals(method) && !"HEAD".equals(method)) {
            return new ApiException(
                    403,
                    "permission_error",
                    "permission_denied",
                    "this API key is read-only: it may only read (GET), not " + method,
                    null);
        }
        return null;
    }

    private static ApiException unauthenticated(String message) {
        return new ApiException(401, "authentication_error", "authentication_required", message, null);
    }
}
