package dev.refract.api;

import dev.refract.http.ApiException;
import dev.refract.http.Bearer;
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
        String key = Bearer.token(authorization, MAX_KEY_LENGTH);
        if (key == null) {
            return Uni.createFrom().failure(ApiException.authenticationRequired());
        }
        String hash = MerchantDirectory.hash(key);
        try {
            limiter.acquire(hash);
        } catch (ApiException e) {
            return Uni.createFrom().failure(e);
        }
        return merchants.byApiKeyHash(hash).map(m -> {
            if (m == null) {
                throw ApiException.authenticationRequired();
            }
            return m;
        });
    }
}
