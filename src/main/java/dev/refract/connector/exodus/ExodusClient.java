package dev.refract.connector.exodus;

import dev.refract.outbound.PspAnswer;
import dev.refract.outbound.PspGuard;
import dev.refract.outbound.PspGuards;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/** The only class that calls Exodus, under its guard; creates carry the refund's Idempotency-Key. */
@ApplicationScoped
public class ExodusClient {

    private final ExodusApi api;
    private final PspGuard guard;

    ExodusClient(@RestClient ExodusApi api, PspGuards guards) {
        this.api = api;
        this.guard = guards.of("exodus");
    }

    public Uni<PspAnswer> createRefund(String authorization, String idempotencyKey, String body) {
        return guard.call(() -> api.createRefund(authorization, idempotencyKey, body));
    }

    public Uni<PspAnswer> refund(String authorization, String id) {
        return guard.call(() -> api.refund(authorization, id));
    }
}
