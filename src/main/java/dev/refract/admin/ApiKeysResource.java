package dev.refract.admin;

import dev.refract.http.ApiException;
import dev.refract.http.ErrorBody;
import dev.refract.http.Limits;
import dev.refract.http.StrictJson;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * A merchant's API keys: {@code /admin/v1/merchants/{merchant_id}/api-keys}. A key is shown once, in the answer
 * that makes it; a revoked or expired key is refused on every replica within 5 s. Listing them takes refract-viewer,
 * every change refract-admin, and each change is in the audit trail.
 */
@Path("/admin/v1/merchants/{merchant_id}/api-keys")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
@SecurityRequirement(name = "admin_token")
@Tag(name = "Admin")
@OperatorApi
public class ApiKeysResource {

    private final ApiKeyAdmin keys;
    private final CurrentCaller caller;

    ApiKeysResource(ApiKeyAdmin keys, CurrentCaller caller) {
        this.keys = keys;
        this.caller = caller;
    }

    @POST
    @Operation(
            summary = "Make an API key for a merchant",
            description = "A full key may call the whole merchant API; a read_only key every GET of it, and is "
                    + "refused any other method with 403 permission_denied. The key (rk_…) is in this answer only.")
    @RequestBody(
            required = true,
            content = @Content(schema = @Schema(implementation = ApiKeyRequests.CreateApiKey.class)))
    @APIResponse(
            responseCode = "201",
            description = "the key, with api_key shown this once",
            content = @Content(schema = @Schema(implementation = ApiKeyRequests.ApiKeyView.class)))
    @APIResponse(
            responseCode = "400",
            description = "invalid_request: name, mode or expires_at (error.param names it)",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(
            responseCode = "404",
            description = "merchant_not_found",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public Uni<RestResponse<ApiKeyRequests.ApiKeyView>> create(
            @RestPath("merchant_id") String merchantId, String body) {
        return keys.create(caller.get().actor(), merchantId, read(body, ApiKeyRequests.CreateApiKey.class))
                .map(view -> RestResponse.status(RestResponse.Status.CREATED, view));
    }

    @GET
    @RoleRequired(Role.VIEWER)
    @Operation(
            summary = "List a merchant's API keys",
            description = "Newest first, revoked and expired ones included; never the keys themselves")
    @APIResponse(
            responseCode = "200",
            content = @Content(schema = @Schema(implementation = ApiKeyRequests.ApiKeyList.class)))
    @APIResponse(
            responseCode = "404",
            description = "merchant_not_found",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public Uni<ApiKeyRequests.ApiKeyList> list(@RestPath("merchant_id") String merchantId) {
        return keys.list(merchantId);
    }

    @DELETE
    @Path("/{id}")
    @Operation(
            summary = "Revoke an API key",
            description = "From then on the key is refused with 401 authentication_required on every replica within "
                    + "5 s. Revoking it again answers it unchanged.")
    @APIResponse(
            responseCode = "200",
            description = "the key, revoked_at set",
            content = @Content(schema = @Schema(implementation = ApiKeyRequests.ApiKeyView.class)))
    @APIResponse(
            responseCode = "404",
            description = "not_found: no such key of this merchant",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public Uni<ApiKeyRequests.ApiKeyView> revoke(
            @RestPath("merchant_id") String merchantId, @RestPath("id") String id) {
        return keys.revoke(caller.get().actor(), merchantId, id);
    }

    @POST
    @Path("/{id}/roll")
    @Operation(
            summary = "Roll an API key",
            description = "Makes a new key of the same name and mode; the rolled key stays valid for "
                    + "expires_in_seconds (default 86400, at most 604800), then is refused with 401. The body may "
                    + "be empty.")
    @RequestBody(content = @Content(schema = @Schema(implementation = ApiKeyRequests.RollApiKey.class)))
    @APIResponse(
            responseCode = "201",
            description = "the new key, with api_key shown this once",
            content = @Content(schema = @Schema(implementation = ApiKeyRequests.ApiKeyView.class)))
    @APIResponse(
            responseCode = "400",
            description = "invalid_request: expires_in_seconds out of range, or the key is revoked (param id)",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(
            responseCode = "404",
            description = "not_found: no such key of this merchant",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public Uni<RestResponse<ApiKeyRequests.ApiKeyView>> roll(
            @RestPath("merchant_id") String merchantId, @RestPath("id") String id, String body) {
        ApiKeyRequests.RollApiKey request = body == null || body.isBlank()
                ? new ApiKeyRequests.RollApiKey(null)
                : read(body, ApiKeyRequests.RollApiKey.class);
        return keys.roll(caller.get().actor(), merchantId, id, request)
                .map(view -> RestResponse.status(RestResponse.Status.CREATED, view));
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
