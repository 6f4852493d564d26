package dev.refract.connector.adyen;

import dev.refract.outbound.PspAnswer;
import dev.refract.outbound.PspGuard;
import dev.refract.outbound.PspGuards;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/** The only class that calls Adyen, under Adyen's guard; resends are safe with the same Idempotency-Key. */
@ApplicationScoped
public class AdyenClient {

    private final AdyenApi api;
    private final PspGuard guard;

    AdyenClient(@RestClient AdyenApi api, PspGuards guards) {
        this.api = api;
        this.guard = guards.of("adyen");
    }

    public Uni<PspAnswer> refund(String apiKey, String idempotencyKey, String pspReference, String body) {
        return guard.call(() -> api.refund(apiKey, idempotencyKey, pspReference, body));
    }
}
