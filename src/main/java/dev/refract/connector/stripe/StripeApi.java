package dev.refract.connector.stripe;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/**
 * Stripe's refund endpoints, form-encoded in, JSON out. Base URL: {@code quarkus.rest-client.stripe.url}. A null
 * {@code Stripe-Account} is no header: the call is the key's own account's; a connected account's id makes it that
 * account's (https://docs.stripe.com/connect/authentication).
 */
@RegisterRestClient(configKey = "stripe")
@Produces(MediaType.APPLICATION_JSON)
public interface StripeApi {

    @POST
    @Path("/v1/refunds")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    Uni<Response> createRefund(
            @HeaderParam("Authorization") String authorization,
            @HeaderParam("Stripe-Version") String version,
            @HeaderParam("Stripe-Account") String connectedAccount,
            @HeaderParam("Idempotency-Key") String idempotencyKey,
            String form);

    @GET
    @Path("/v1/refunds/{id}")
    Uni<Response> refund(
            @HeaderParam("Authorization") String authorization,
            @HeaderParam("Stripe-Version") String version,
            @HeaderParam("Stripe-Account") String connectedAccount,
            @PathParam("id") String id);

    /** https://docs.stripe.com/api/refunds/list: newest first, paged by the last id of the page before. */
    @GET
    @Path("/v1/refunds")
    Uni<Response> listRefunds(
            @HeaderParam("Authorization") String authorization,
            @HeaderParam("Stripe-Version") String version,
            @HeaderParam("Stripe-Account") String connectedAccount,
            @QueryParam("created[gte]") long createdFrom,
            @QueryParam("created[lt]") long createdBefore,
            @QueryParam("limit") int limit,
            @QueryParam("starting_after") String startingAfter);

    @POST
    @Path("/v1/refunds/{id}/cancel")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    Uni<Response> cancelRefund(
            @HeaderParam("Authorization") String authorization,
            @HeaderParam("Stripe-Version") String version,
            @HeaderParam("Stripe-Account") String connectedAccount,
            @HeaderParam("Idempotency-Key") String idempotencyKey,
            @PathParam("id") String id,
            String form);

    @GET
    @Path("/v1/payment_intents/{id}")
    Uni<Response> paymentIntent(
            @HeaderParam("Authorization") String authorization,
            @HeaderParam("Stripe-Version") String version,
            @HeaderParam("Stripe-Account") String connectedAccount,
            @PathParam("id") String id);

    @GET
    @Path("/v1/charges/{id}")
    Uni<Response> charge(
            @HeaderParam("Authorization") String authorization,
            @HeaderParam("Stripe-Version") String version,
            @HeaderParam("Stripe-Account") String connectedAccount,
            @PathParam("id") String id);
}
