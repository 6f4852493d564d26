package dev.refract.wallet;

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

/** Credyt's wallet Adjustments API. Base URL: {@code quarkus.rest-client.credyt.url}. */
@RegisterRestClient(configKey = "credyt")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public interface CredytApi {

    @POST
    @Path("/customers/{customer}/wallet/adjustments")
    Uni<Response> adjust(
            @HeaderParam("Authorization") String authorization, @PathParam("customer") String customerId, String body);
}
