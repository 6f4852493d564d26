package dev.refract.connector.adyen;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** Adyen Checkout; the base URL carries the API version ({@code …/v71}). */
@RegisterRestClient(configKey = "adyen")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public interface AdyenApi {

    /** https://docs.adyen.com/api-explorer/Checkout/71/post/payments/(paymentPspReference)/refunds */
    @POST
    @Path("/payments/{pspReference}/refunds")
    Uni<Response> refund(
            @HeaderParam("X-API-Key") String apiKey,
            @HeaderParam("Idempotency-Key") String idempotencyKey,
            @PathParam("pspReference") String pspReference,
            String body);
}
