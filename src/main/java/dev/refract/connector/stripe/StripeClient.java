package dev.refract.connector.stripe;

import dev.refract.outbound.PspAnswer;
import dev.refract.outbound.PspGuard;
import dev.refract.outbound.PspGuards;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * The only class that calls Stripe, each call under Stripe's guard (timeout, retry, breaker "stripe").
 * Retrying is safe: every creating call carries the refund's Idempotency-Key.
 */
@ApplicationScoped
public class StripeClient {

    private final StripeApi api;
    private final PspGuard guard;

    StripeClient(@RestClient StripeApi api, PspGuards guards) {
        this.api = api;
        this.guard = guards.of("stripe");
    }

    public Uni<PspAnswer> createRefund(StripeCall call, String idempotencyKey, String form) {
        return guard.call(
                () -> api.createRefund(call.authorization(), call.version(), call.account(), idempotencyKey, form));
    }

    public Uni<PspAnswer> refund(StripeCall call, String id) {
        return guard.call(() -> api.refund(call.authorization(), call.version(), call.account(), id));
    }

    /** A page of the account's refunds; a 429 is answered (with its Retry-After) for the caller to wait out. */
    public Uni<PspAnswer> listRefunds(StripeCall call, long createdFrom, long createdBefore, int limit, String after) {
        return guard.callAnsweringRateLimits(() -> api.listRefunds(
                call.authorization(), call.version(), call.account(), createdFrom, createdBefore, limit, after));
    }

    public Uni<PspAnswer> cancelRefund(StripeCall call, String idempotencyKey, String id) {
        return guard.call(
                () -> api.cancelRefund(call.authorization(), call.version(), call.account(), idempotencyKey, id, ""));
    }

    public Uni<PspAnswer> paymentIntent(StripeCall call, String id) {
        return guard.call(() -> api.paymentIntent(call.authorization(), call.version(), call.account(), id));
    }

    public Uni<PspAnswer> charge(StripeCall call, String id) {
        return guard.call(() -> api.charge(call.authorization(), call.version(), call.account(), id));
    }

    /**
     * What every call of a merchant's account sends: its key, the pinned version, and the connected account it acts
     * as (null for the key's own account).
     */
    public record StripeCall(String authorization, String version, String account) {
        @Override
        public String toString() {
            return "StripeCall[version=" + version + ", account=" + account + "]"; // never the key
        }
    }
}
