package dev.refract.admin;

import dev.refract.http.ApiException;
import dev.refract.http.Limits;
import dev.refract.http.StrictJson;
import dev.refract.refund.AccountKind;
import dev.refract.refund.ConnectorAccount;
import dev.refract.refund.ConnectorRegistry;
import dev.refract.store.AccountStore;
import dev.refract.store.MerchantDirectory;
import dev.refract.store.MerchantEntity;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;
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

/** Operators create merchants, configure where their notifications go, and enable their PSP accounts. */
@Path("/admin/v1/merchants")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
@SecurityRequirement(name = "admin_token")
@SecurityScheme(
        securitySchemeName = "admin_token",
        type = SecuritySchemeType.HTTP,
        scheme = "bearer",
        description = "The operator token of refract.admin.token (REFRACT_ADMIN_TOKEN)")
@Tag(name = "Admin")
@OperatorApi
public class AdminResource {

    private static final int MAX_NAME = 200;
    private static final int MAX_URL = 2048;
    private static final int MAX_SECRET = 256;

    private final MerchantDirectory merchants;
    private final AccountStore accounts;
    private final ConnectorRegistry connectors;

    AdminResource(MerchantDirectory merchants, AccountStore accounts, ConnectorRegistry connectors) {
        this.merchants = merchants;
        this.accounts = accounts;
        this.connectors = connectors;
    }

    @POST
    @Operation(
            summary = "Create a merchant",
            description = "201 with its API key, shown this once; 409 if the id exists")
    @RequestBody(content = @Content(schema = @Schema(implementation = AdminRequests.CreateMerchant.class)))
    public Uni<RestResponse<AdminRequests.CreatedMerchant>> create(String body) {
        AdminRequests.CreateMerchant request = read(body, AdminRequests.CreateMerchant.class);
        if (!Limits.isId(request.merchantId())) {
            throw ApiException.invalid("merchant_id", "merchant_id must be 1 to 64 characters of A-Z a-z 0-9 _ . : -");
        }
        requireName(request.name());
        return merchants.create(request.merchantId(), request.name()).map(created -> {
            if (created == null) {
                throw new ApiException(
                        409,
                        "invalid_request_error",
                        "merchant_exists",
                        "merchant " + request.merchantId() + " already exists",
                        "merchant_id");
            }
            return RestResponse.status(
                    RestResponse.Status.CREATED,
                    new AdminRequests.CreatedMerchant(
                            created.merchant().id, created.merchant().name, created.apiKey()));
        });
    }

    @GET
    @Path("/{merchant_id}")
    public Uni<AdminRequests.MerchantView> get(@RestPath("merchant_id") String merchantId) {
        return merchants.get(existingShape(merchantId)).map(m -> view(found(m, merchantId)));
    }

    @PUT
    @Path("/{merchant_id}")
    @Operation(summary = "Update a merchant's name, default connector and notification webhook")
    @RequestBody(content = @Content(schema = @Schema(implementation = AdminRequests.UpdateMerchant.class)))
    public Uni<AdminRequests.MerchantView> update(@RestPath("merchant_id") String merchantId, String body) {
        existingShape(merchantId);
        AdminRequests.UpdateMerchant request = read(body, AdminRequests.UpdateMerchant.class);
        if (request.name() != null) {
            requireName(request.name());
        }
        if (request.defaultConnector() != null
                && !request.defaultConnector().isEmpty()
                && connectors.find(request.defaultConnector()).isEmpty()) {
            throw ApiException.invalid("default_connector", "unknown connector " + request.defaultConnector());
        }
        if (request.webhookUrl() != null && !request.webhookUrl().isEmpty()) {
            requireHttpUrl(request.webhookUrl());
        }
        if (request.webhookSecret() != null && request.webhookSecret().length() > MAX_SECRET) {
            throw ApiException.invalid("webhook_secret", "webhook_secret is longer than " + MAX_SECRET);
        }
        return merchants
                .update(
                        merchantId,
                        new MerchantDirectory.Update(
                                request.name(),
                                request.defaultConnector(),
                                request.webhookUrl(),
                                request.webhookSecret()))
                .map(m -> view(found(m, merchantId)));
    }

    @PUT
    @Path("/{merchant_id}/connectors/{connector}")
    @Operation(
            summary = "Enable or configure a merchant's account at a PSP",
            description = "Credentials and the webhook secret are encrypted at rest and never echoed")
    @RequestBody(content = @Content(schema = @Schema(implementation = AdminRequests.PutConnector.class)))
    public Uni<AdminRequests.ConnectorView> putConnector(
            @RestPath("merchant_id") String merchantId, @RestPath("connector") String connectorName, String body) {
        existingShape(merchantId);
        AccountKind connector = connectors
                .findAccountKind(connectorName)
                .orElseThrow(() -> new ApiException(
                        404,
                        "invalid_request_error",
                        "connector_not_found",
                        "unknown connector " + connectorName,
                        "connector"));
        AdminRequests.PutConnector request = read(body, AdminRequests.PutConnector.class);
        Map<String, String> credentials = request.credentials() == null ? Map.of() : request.credentials();
        Map<String, String> settings = request.settings() == null ? Map.of() : request.settings();
        if (request.webhookSecret() != null && request.webhookSecret().length() > MAX_SECRET) {
            throw ApiException.invalid("webhook_secret", "webhook_secret is longer than " + MAX_SECRET);
        }
        connector.validateAccount(credentials, settings);
        if (request.webhookSecret() != null) {
            connector.validateWebhookSecret(request.webhookSecret());
        }
        ConnectorAccount account = new ConnectorAccount(
                merchantId,
                connector.name(),
                request.enabled() == null || request.enabled(),
                credentials,
                settings,
                request.webhookSecret());
        return merchants
                .get(merchantId)
                .chain(m -> {
                    found(m, merchantId);
                    return accounts.put(account);
                })
                .map(saved -> new AdminRequests.ConnectorView(
                        saved.merchantId(),
                        saved.connector(),
                        saved.enabled(),
                        saved.settings(),
                        saved.credentials().keySet().stream().sorted().toList(),
                        saved.webhookSecret() != null));
    }

    private static <T> T read(String body, Class<T> type) {
        Limits.requireBodyAtMost(body, Limits.MAX_API_BODY);
        try {
            return StrictJson.read(body, type);
        } catch (StrictJson.BadBody e) {
            throw ApiException.invalid(e.path.isEmpty() ? null : e.path, e.getMessage());
        }
    }

    /** A merchant id that cannot exist is not looked up: the same 404 as an unknown one. */
    private static String existingShape(String merchantId) {
        if (!Limits.isId(merchantId)) {
            throw new ApiException(404, "invalid_request_error", "merchant_not_found", "no such merchant", null);
        }
        return merchantId;
    }

    private static MerchantEntity found(MerchantEntity m, String merchantId) {
        if (m == null) {
            throw new ApiException(
                    404, "invalid_request_error", "merchant_not_found", "no merchant " + merchantId, null);
        }
        return m;
    }

    private static void requireName(String name) {
        if (name == null || name.isBlank() || name.length() > MAX_NAME) {
            throw ApiException.invalid("name", "name must be 1 to " + MAX_NAME + " characters");
        }
    }

    private static void requireHttpUrl(String url) {
        try {
            URI uri = new URI(url);
            if (url.length() <= MAX_URL
                    && uri.getHost() != null
                    && ("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))) {
                return;
            }
        } catch (URISyntaxException e) {
            // answered below
        }
        throw ApiException.invalid("webhook_url", "webhook_url must be an http or https URL");
    }

    private static AdminRequests.MerchantView view(MerchantEntity m) {
        return new AdminRequests.MerchantView(
                m.id, m.name, m.defaultConnector, m.webhookUrl, m.webhookSecretEnc != null);
    }
}
