package dev.refract.admin;

import dev.refract.http.ApiException;
import dev.refract.http.Limits;
import dev.refract.http.StrictJson;
import io.smallrye.mutiny.Multi;
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
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * Reconciliation runs: Refract's books checked against a PSP's own records over a window. A run is started here (or
 * every day for the previous day), worked in the background, and read here with what it found. Adyen's Settlement
 * details report is uploaded at {@code POST /admin/v1/reconciliations/adyen-settlement-report}, a streamed route of
 * its own ({@link SettlementReportUpload}).
 */
@Path("/admin/v1/reconciliations")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
@SecurityRequirement(name = "admin_token")
@Tag(name = "Reconciliation")
@OperatorApi
public class ReconciliationResource {

    static final int EXCEPTIONS = 100;
    static final int MAX_EXCEPTIONS = 500;

    private final OperatorReconciliations reconciliations;
    private final CurrentCaller caller;

    ReconciliationResource(OperatorReconciliations reconciliations, CurrentCaller caller) {
        this.reconciliations = reconciliations;
        this.caller = caller;
    }

    @POST
    @RoleRequired(Role.OPERATOR)
    @Operation(
            summary = "Start a reconciliation run of a merchant's PSP account over a window",
            description = "from and to are RFC 3339; the window has ended and is at most 31 days. Stripe and Marqeta "
                    + "are read from their refund lists, Exodus and charges by a status read of each of the window's "
                    + "refunds; Adyen is reconciled from an uploaded Settlement details report instead. 202 with the "
                    + "run, which a replica works in the background.")
    @RequestBody(content = @Content(schema = @Schema(implementation = ReconciliationViews.StartRun.class)))
    @APIResponse(responseCode = "202", description = "the run, running")
    public Uni<RestResponse<ReconciliationViews.RunView>> start(String body) {
        Limits.requireBodyAtMost(body, Limits.MAX_API_BODY);
        ReconciliationViews.StartRun request;
        try {
            request = StrictJson.read(body, ReconciliationViews.StartRun.class);
        } catch (StrictJson.BadBody e) {
            throw ApiException.invalid(e.path.isEmpty() ? null : e.path, e.getMessage());
        }
        if (request.connector() == null || request.connector().isBlank()) {
            throw ApiException.invalid("connector", "connector is required");
        }
        Instant from = instant("from", request.from());
        Instant to = instant("to", request.to());
        return reconciliations
                .start(caller.get().actor(), request.merchantId(), request.connector(), from, to)
                .map(run ->
                        RestResponse.status(RestResponse.Status.ACCEPTED, ReconciliationViews.RunView.started(run)));
    }

    @GET
    @RoleRequired(Role.VIEWER)
    @Operation(summary = "Reconciliation runs, newest first; of one merchant with merchant_id")
    public Uni<ReconciliationViews.RunList> list(
            @RestQuery("merchant_id") String merchantId,
            @RestQuery("limit") Integer limit,
            @RestQuery("cursor") String cursor) {
        int size = limit == null ? 20 : limit;
        if (size < 1 || size > 100) {
            throw ApiException.invalid("limit", "limit must be between 1 and 100");
        }
        if (merchantId != null && !Limits.isId(merchantId)) {
            throw OperatorReconciliations.merchantNotFound(merchantId);
        }
        return reconciliations
                .runs(merchantId, size, ReconciliationViews.runsCursor(cursor))
                .chain(page -> Multi.createFrom()
                        .iterable(page.runs())
                        .onItem()
                        .transformToUniAndConcatenate(run -> reconciliations
                                .exceptions(run, 20, 0)
                                .map(exceptions -> ReconciliationViews.RunView.of(run, exceptions)))
                        .collect()
                        .asList()
                        .map(views -> new ReconciliationViews.RunList(
                                views,
                                page.hasMore(),
                                page.hasMore()
                                        ? ReconciliationViews.runsCursor(
                                                page.runs().get(page.runs().size() - 1))
                                        : null)));
    }

    @GET
    @RoleRequired(Role.VIEWER)
    @Path("/{id}")
    @Operation(
            summary = "A reconciliation run with its counts and exceptions",
            description = "Exceptions in the order they were found, exceptions_limit (1–500, default 100) at a time; "
                    + "exceptions_cursor pages on.")
    public Uni<ReconciliationViews.RunView> get(
            @RestPath("id") String id,
            @RestQuery("exceptions_limit") Integer limit,
            @RestQuery("exceptions_cursor") String cursor) {
        int size = limit == null ? EXCEPTIONS : limit;
        if (size < 1 || size > MAX_EXCEPTIONS) {
            throw ApiException.invalid("exceptions_limit", "exceptions_limit must be between 1 and " + MAX_EXCEPTIONS);
        }
        long after = ReconciliationViews.exceptionsCursor(cursor);
        return reconciliations
                .run(id)
                .chain(run -> reconciliations
                        .exceptions(run, size, after)
                        .map(page -> ReconciliationViews.RunView.of(run, page)));
    }

    /** An RFC 3339 time of the request, or a 400 naming the field. */
    static Instant instant(String field, String text) {
        if (text == null || text.isBlank()) {
            throw ApiException.invalid(field, field + " is required, as RFC 3339 (2026-01-20T00:00:00Z)");
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw ApiException.invalid(field, field + " must be an RFC 3339 time, as 2026-01-20T00:00:00Z");
        }
    }
}
