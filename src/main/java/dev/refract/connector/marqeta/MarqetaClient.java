package dev.refract.connector.marqeta;

import dev.refract.outbound.PspAnswer;
import dev.refract.outbound.PspGuard;
import dev.refract.outbound.PspGuards;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/** The only class that calls Marqeta, under its guard; a resend carries the same refund token. */
@ApplicationScoped
public class MarqetaClient {

    private final MarqetaApi api;
    private final PspGuard guard;

    MarqetaClient(@RestClient MarqetaApi api, PspGuards guards) {
        this.api = api;
        this.guard = guards.of("marqeta");
    }

    public Uni<PspAnswer> createRefund(String authorization, String accountToken, String body) {
        return guard.call(() -> api.createRefund(authorization, accountToken, body));
    }

    public Uni<PspAnswer> refund(String authorization, String accountToken, String token) {
        return guard.call(() -> api.refund(authorization, accountToken, token));
    }

    /** A page of an account's refunds; a 429 is answered (with its Retry-After) for the caller to wait out. */
    public Uni<PspAnswer> listRefunds(
            String authorization, String accountToken, String startDate, String endDate, int startIndex, int count) {
        return guard.callAnsweringRateLimits(() -> api.listRefunds(
                authorization, accountToken, startDate, endDate, startIndex, count, MarqetaListing.SORT));
    }

    public Uni<PspAnswer> transition(String authorization, String accountToken, String token, String body) {
        return guard.call(() -> api.transition(authorization, accountToken, token, body));
    }
}
