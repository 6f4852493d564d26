package dev.refract.api;

import dev.refract.http.ApiException;
import dev.refract.refund.Merchant;
import jakarta.enterprise.context.RequestScoped;

/** The merchant of the request in progress, set by {@link MerchantAuthFilter}. */
@RequestScoped
public class AuthenticatedMerchant {

    private Merchant merchant;

    void set(Merchant merchant) {
        this.merchant = merchant;
    }

    /** The merchant; a 401 where no filter authenticated one, so that a missing binding can never pass as a merchant. */
    public Merchant get() {
        if (merchant == null) {
            throw ApiException.authenticationRequired();
        }
        return merchant;
    }
}
