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

    public Uni<PspAnswer> createRefund(String authorization, String version, String idempotencyKey, String form) {
        return guard.call(() -> api.createRefund(authorization, version, idempotencyKey, form));
    }

    public Uni<PspAnswer> refund(String authorization, String version, String id) {
        return guard.call(() -> api.refund(authorization, version, id));
    }

    /** A page of the account's refunds; a 429 is answered (with its Retry-After) for the caller to wait out. */
    public Uni<PspAnswer> listRefunds(
            String authorization, String version, long createdFrom, long createdBefore, int limit, String after) {
        return guard.callAnsweringRateLimits(
                () -> api.listRefunds(authorization, version, createdFrom, createdBefore, limit, after));
    }

    public Uni<PspAnswer> cancelRefund(String authorization, String version, String idempotencyKey, String id) {
        return guard.call(() -> api.cancelRefund(authorization, version, idempotencyKey, id, ""));
    }

    public Uni<PspAnswer> paymentIntent(String authorization, String version, String id) {
        return guard.call(() -> api.paymentIntent(authorization, version, id));
    }

    public Uni<PspAnswer> charge(String authorization, String version, String id) {
        return guard.call(() -> api.charge(authorization, version, id));
    }
}
