package dev.refract.api;

import dev.refract.http.ApiException;
import dev.refract.http.Cursors;
import dev.refract.http.ErrorBody;
import dev.refract.http.Limits;
import dev.refract.http.RefundView;
import dev.refract.refund.CreateRefund;
import dev.refract.refund.RefundService;
import dev.refract.refund.RefundState;
import dev.refract.refund.RefundStatus;
import dev.refract.refund.RefundStore;
import dev.refract.telemetry.Spans;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.RestResponse;

/** The merchant refund API: create, read, sync, cancel, list. */
@Path("/v1/refunds")
@Produces(MediaType.APPLICATION_JSON)
@SecurityRequirement(name = "merchant_api_key")
@SecurityScheme(
        securitySchemeName = "merchant_api_key",
        type = SecuritySchemeType.HTTP,
        scheme = "bearer",
        description = "The merchant's API key: Authorization: Bearer <api_key>")
@Tag(name = "Refunds")
@MerchantApi
public class RefundResource {

    static final String REPLAYED = "Idempotent-Replayed";
    private static final int DEFAULT_LIMIT = 20;
    private static final int MAX_LIMIT = 100;

    private final RefundService refunds;
    private final AuthenticatedMerchant merchant;
    private final MeterRegistry metrics;
    /** The counters of refract.refunds.created by their tags: found once, not built for every create. */
    private final Map<CreatedTags, Counter> created = new ConcurrentHashMap<>();

    private record CreatedTags(String connector, RefundStatus status, boolean replayed) {}

    RefundResource(RefundService refunds, AuthenticatedMerchant merchant, MeterRegistry metrics) {
        this.refunds = refunds;
        this.merchant = merchant;
        this.metrics = metrics;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Operation(
            summary = "Create a refund",
            description =
                    "Idempotent on merchant_refund_id: a replay with the same "
                            + "parameters returns the stored refund with Idempotent-Replayed: true; other parameters are a 409.")
    @RequestBody(
            required = true,
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = RefundRequests.CreateRefundBody.class)))
    @APIResponse(
            responseCode = "200",
            description = "Accepted (PENDING) or already SUCCEEDED; or MANUAL_REVIEW with "
                    + "error.code connector_mismatch when the PSP's answer contradicted the request (another amount, currency, "
                    + "payment, refund id, merchant_refund_id or PSP account), whether it said succeeded, pending or "
                    + "failed: the amount stays reserved until an operator resolves it",
            content = @Content(schema = @Schema(implementation = RefundView.class)))
    @APIResponse(
            responseCode = "400",
            description =
                    "invalid_request, invalid_currency, invalid_amount, " + "connector_required, connector_not_enabled",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(
            responseCode = "401",
            description = "authentication_required",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(
            responseCode = "402",
            description = "refund_failed: the PSP declined; the body is the FAILED refund",
            content = @Content(schema = @Schema(implementation = RefundView.class)))
    @APIResponse(
            responseCode = "404",
            description = "transaction_not_found",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(
            responseCode = "409",
            description = "idempotency_conflict",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(
            responseCode = "422",
            description = "amount_exceeds_refundable, currency_mismatch",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public Uni<RestResponse<RefundView>> create(String body) {
        Limits.requireBodyAtMost(body, Limits.MAX_API_BODY);
        CreateRefund command = RefundRequests.parse(body);
        Spans.refund(command.merchantRefundId(), command.connector());
        return refunds.create(merchant.get(), command).map(created -> {
            Spans.refund(null, created.refund().connector());
            int status = RefundView.createStatus(created.refund());
            createdCounter(created.refund().connector(), created.refund().status(), created.replayed())
                    .increment();
            RestResponse.ResponseBuilder<RefundView> response = RestResponse.ResponseBuilder.<RefundView>create(status)
                    .entity(RefundView.of(created.refund(), status));
            if (created.replayed()) {
                response.header(REPLAYED, "true");
            }
            return response.build();
        });
    }

    @GET
    @Path("/{merchant_refund_id}")
    @Operation(summary = "Read a refund", description = "404 refund_not_found, also for another merchant's refund")
    public Uni<RefundView> get(@RestPath("merchant_refund_id") String merchantRefundId) {
        Spans.refund(merchantRefundId, null);
        return refunds.get(merchant.get(), merchantRefundId).map(r -> RefundView.of(r, 200));
    }

    @POST
    @Path("/{merchant_refund_id}/sync")
    @Operation(
            summary = "Ask the PSP for the refund's status now",
            description = "Works on final refunds too; a PSP without a status endpoint leaves the refund unchanged")
    @Consumes(MediaType.WILDCARD)
    public Uni<RefundView> sync(@RestPath("merchant_refund_id") String merchantRefundId) {
        Spans.refund(merchantRefundId, null);
        return refunds.sync(merchant.get(), merchantRefundId).map(r -> RefundView.of(r, 200));
    }

    @POST
    @Path("/{merchant_refund_id}/cancel")
    @Operation(summary = "Cancel a refund still in flight", description = "409 not_cancellable where the PSP cannot")
    @Consumes(MediaType.WILDCARD)
    public Uni<RefundView> cancel(@RestPath("merchant_refund_id") String merchantRefundId) {
        Spans.refund(merchantRefundId, null);
        return refunds.cancel(merchant.get(), merchantRefundId).map(r -> RefundView.of(r, 200));
    }

    @GET
    @Operation(
            summary = "List refunds, newest first",
            description = "Filters: status (repeatable), connector, connector_transaction_id, created_from "
                    + "(inclusive), created_to (exclusive); limit 1-100 (20); cursor from next_cursor")
    public Uni<ListView> list(
            @RestQuery("status") List<String> status,
            @RestQuery("connector") String connector,
            @RestQuery("connector_transaction_id") String connectorTransactionId,
            @RestQuery("created_from") String createdFrom,
            @RestQuery("created_to") String createdTo,
            @RestQuery("limit") String limit,
            @RestQuery("cursor") String cursor) {
        return Uni.createFrom()
                .deferred(() -> {
                    int pageSize = limit(limit);
                    if (connectorTransactionId != null
                            && !CreateRefund.isConnectorTransactionId(connectorTransactionId)) {
                        throw ApiException.invalid(
                                "connector_transaction_id",
                                "connector_transaction_id must be 1 to 128 characters of A-Z a-z 0-9 _ . : -");
                    }
                    if (connector != null && !connector.matches("[a-z][a-z0-9_]{0,31}")) {
                        throw ApiException.invalid("connector", "connector is not a connector name");
                    }
                    RefundStore.RefundFilter filter = new RefundStore.RefundFilter(
                            states(status),
                            connector,
                            connectorTransactionId,
                            time("created_from", createdFrom),
                            time("created_to", createdTo),
                            pageSize,
                            cursor == null ? null : Cursors.decode(cursor));
                    return refunds.list(merchant.get(), filter);
                })
                .map(page -> {
                    List<RefundView> data =
                            page.data().stream().map(r -> RefundView.of(r, 200)).toList();
                    String next = null;
                    if (page.hasMore()) {
                        var last = page.data().get(page.data().size() - 1);
                        next = Cursors.encode(last.createdAt(), last.id());
                    }
                    return new ListView(data, page.hasMore(), next);
                });
    }

    private Counter createdCounter(String connector, RefundStatus status, boolean replayed) {
        return created.computeIfAbsent(
                new CreatedTags(connector, status, replayed),
                tags -> metrics.counter(
                        "refract.refunds.created",
                        "connector",
                        tags.connector(),
                        "status",
                        tags.status().name(),
                        "replayed",
                        String.valueOf(tags.replayed())));
    }

    private static Set<RefundState> states(List<String> statuses) {
        Set<RefundState> states = EnumSet.noneOf(RefundState.class);
        if (statuses != null) {
            for (String s : statuses) {
                try {
                    states.addAll(RefundState.of(RefundStatus.valueOf(s.toUpperCase(Locale.ROOT))));
                } catch (IllegalArgumentException e) {
                    throw ApiException.invalid(
                            "status", "status must be one of PENDING, SUCCEEDED, FAILED, MANUAL_REVIEW");
                }
            }
        }
        return states;
    }

    private static int limit(String limit) {
        if (limit == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int n = Integer.parseInt(limit);
            if (n >= 1 && n <= MAX_LIMIT) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.invalid("limit", "limit must be a whole number from 1 to " + MAX_LIMIT);
    }

    private static Instant time(String param, String value) {
        if (value == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw ApiException.invalid(param, param + " must be an RFC 3339 timestamp such as 2026-01-20T15:30:00Z");
        }
    }
}
