package dev.refract.admin;

import dev.refract.http.ApiException;
import dev.refract.http.Limits;
import dev.refract.http.StrictJson;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * Operators create merchants, configure where their notifications go, and enable their PSP accounts: refract-admin,
 * except reading a merchant (refract-viewer).
 */
@Path("/admin/v1/merchants")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
@SecurityRequirement(name = "admin_token")
@SecurityScheme(
        securitySchemeName = "admin_token",
        type = SecuritySchemeType.HTTP,
        scheme = "bearer",
        description = "The static admin token (refract.admin.token, acting as refract-admin), or an operator's access"
                + " token from the OpenID Connect provider, whose roles claim names refract-viewer, refract-operator"
                + " or refract-admin")
@Tag(name = "Admin")
@OperatorApi
public class AdminResource {

    private final MerchantAdmin admin;
    private final CurrentCaller caller;

    AdminResource(MerchantAdmin admin, CurrentCaller caller) {
        this.admin = admin;
        this.caller = caller;
    }

    @POST
    @Operation(
            summary = "Create a merchant",
            description = "201 with its API key, shown this once; 409 if the id exists. Needs refract-admin.")
    @RequestBody(content = @Content(schema = @Schema(implementation = AdminRequests.CreateMerchant.class)))
    public Uni<RestResponse<AdminRequests.CreatedMerchant>> create(String body) {
        AdminRequests.CreateMerchant request = read(body, AdminRequests.CreateMerchant.class);
        return admin.create(caller.get().actor(), request.merchantId(), request.name())
                .map(created -> RestResponse.status(RestResponse.Status.CREATED, created));
    }

    @GET
    @Path("/{merchant_id}")
    @RoleRequired(Role.VIEWER)
    @Operation(summary = "A merchant, without its secrets", description = "Needs refract-viewer.")
    public Uni<AdminRequests.MerchantView> get(@RestPath("merchant_id") String merchantId) {
        return admin.get(merchantId);
    }

    @PUT
    @Path("/{merchant_id}")
    @Operation(
            summary = "Update a merchant's name, default connector and notification webhook",
            description = "Needs refract-admin.")
    @RequestBody(content = @Content(schema = @Schema(implementation = AdminRequests.UpdateMerchant.class)))
    public Uni<AdminRequests.MerchantView> update(@RestPath("merchant_id") String merchantId, String body) {
        return admin.update(caller.get().actor(), merchantId, read(body, AdminRequests.UpdateMerchant.class));
    }

    @PUT
    @Path("/{merchant_id}/connectors/{connector}")
    @Operation(
            summary = "Enable or configure a merchant's account at a PSP",
            description =
                    "Credentials and the webhook secret are encrypted at rest and never echoed. Needs refract-admin.")
    @RequestBody(content = @Content(schema = @Schema(implementation = AdminRequests.PutConnector.class)))
    public Uni<AdminRequests.ConnectorView> putConnector(
            @RestPath("merchant_id") String merchantId, @RestPath("connector") String connectorName, String body) {
        return admin.putConnector(
                caller.get().actor(), merchantId, connectorName, read(body, AdminRequests.PutConnector.class));
    }

    private static <T> T read(String body, Class<T> type) {
        Limits.requireBodyAtMost(body, Limits.MAX_API_BODY);
        try {
            return StrictJson.read(body, type);
        } catch (StrictJson.BadBody e) {
            throw ApiException.invalid(e.path.isEmpty() ? null : e.path, e.getMessage());
        }
    }
}
