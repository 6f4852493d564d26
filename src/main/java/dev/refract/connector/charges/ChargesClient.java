package dev.refract.connector.charges;

import dev.refract.outbound.PspAnswer;
import dev.refract.outbound.PspGuard;
import dev.refract.outbound.PspGuards;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/** The only class that calls the charges API, under its guard; creates carry the refund's Idempotency-Key. */
@ApplicationScoped
public class ChargesClient {

    private final ChargesApi api;
    private final PspGuard guard;

    ChargesClient(@RestClient ChargesApi api, PspGuards guards) {
        this.api = api;
        this.guard = guards.of("charges");
    }

    public Uni<PspAnswer> createRefund(String authorization, String idempotencyKey, String body) {
        return guard.call(() -> api.createRefund(authorization, idempotencyKey, body));
    }

    public Uni<PspAnswer> refund(String authorization, String id) {
        return guard.call(() -> api.refund(authorization, id));
    }
}
