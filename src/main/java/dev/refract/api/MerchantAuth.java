package dev.refract.api;

import dev.refract.http.ApiException;
import dev.refract.refund.Merchant;
import dev.refract.store.MerchantDirectory;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Resolves {@code Authorization: Bearer <api_key>} to the merchant it belongs to, or refuses with 401. */
@ApplicationScoped
public class MerchantAuth {

    private static final int MAX_KEY_LENGTH = 200;

    private final MerchantDirectory merchants;
    private final RateLimiter limiter;

    MerchantAuth(MerchantDirectory merchants, RateLimiter limiter) {
        this.merchants = merchants;
        this.limiter = limiter;
    }

    public Uni<Merchant> authenticate(String authorization) {
        String key = bearer(authorization);
        if (key == null) {
            return Uni.createFrom().failure(ApiException.authenticationRequired());
        }
        try {
            limiter.acquire(MerchantDirectory.hash(key));
        } catch (ApiException e) {
            return Uni.createFrom().failure(e);
        }
        return merchants.byApiKey(key).map(m -> {
            if (m == null) {
                throw ApiException.authenticationRequired();
            }
            return m;
        });
    }

    /** The token of a well-formed Bearer header, or null. */
    static String bearer(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String token = authorization.substring(7).trim();
        return token.isEmpty() || token.length() > MAX_KEY_LENGTH ? null : token;
    }
}
