package dev.refract.connector.exodus;

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

/** Exodus Pay stablecoin refunds. */
@RegisterRestClient(configKey = "exodus")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public interface ExodusApi {

    @POST
    @Path("/refunds")
    Uni<Response> createRefund(
            @HeaderParam("Authorization") String authorization,
            @HeaderParam("Idempotency-Key") String idempotencyKey,
            String body);

    @GET
    @Path("/refunds/{id}")
    Uni<Response> refund(@HeaderParam("Authorization") String authorization, @PathParam("id") String id);
}
