package dev.refract.connector.marqeta;

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

/** Marqeta credit-account refunds. */
@RegisterRestClient(configKey = "marqeta")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public interface MarqetaApi {

    @POST
    @Path("/credit/accounts/{account}/refunds")
    Uni<Response> createRefund(
            @HeaderParam("Authorization") String authorization, @PathParam("account") String accountToken, String body);

    @GET
    @Path("/credit/accounts/{account}/refunds/{token}")
    Uni<Response> refund(
            @HeaderParam("Authorization") String authorization,
            @PathParam("account") String accountToken,
            @PathParam("token") String token);

    /** A credit account's refunds, paged by index (seed 004: start_index, count, is_more, end_index). */
    @GET
    @Path("/credit/accounts/{account}/refunds")
    Uni<Response> listRefunds(
            @HeaderParam("Authorization") String authorization,
            @PathParam("account") String accountToken,
            @QueryParam("start_date") String startDate,
            @QueryParam("end_date") String endDate,
            @QueryParam("start_index") int startIndex,
            @QueryParam("count") int count,
            @QueryParam("sort_by") String sortBy);

    @POST
    @Path("/credit/accounts/{account}/refunds/{token}/transitions")
    Uni<Response> transition(
            @HeaderParam("Authorization") String authorization,
            @PathParam("account") String accountToken,
            @PathParam("token") String token,
            String body);
}
