package dev.refract.connector.charges;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** The Stripe-style charges API with a double-entry ledger. */
@RegisterRestClient(configKey = "charges")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public interface ChargesApi {

    @POST
    @Path("/refunds")
    Uni<Response> createRefund(
            @HeaderParam("Authorization") String authorization,
            @HeaderParam("Idempotency-Key") String idempotencyKey,
            String body);

    /**
     * A refund by id: the Stripe-style API serves the refund object the create answered with at its own path.
     * Reconciliation's status read; the refund flow itself needs none (refunds settle at once).
     */
    @GET
    @Path("/refunds/{id}")
    Uni<Response> refund(@HeaderParam("Authorization") String authorization, @PathParam("id") String id);
}
