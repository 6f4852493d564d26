package dev.refract.admin;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.refract.http.ApiException;
import dev.refract.http.Limits;
import dev.refract.http.RefundView;
import dev.refract.http.StrictJson;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestResponse;

/** An operator settles a MANUAL_REVIEW refund after checking the PSP by hand; the reason goes to the event log. */
@Path("/admin/v1/merchants/{merchant_id}/refunds/{merchant_refund_id}/resolve")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
@Tag(name = "Operations")
@OperatorApi
@RoleRequired(Role.OPERATOR)
public class ResolveResource {

    @RegisterForReflection
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Resolve(String status, String reason, Long refundedMinorAmount) {}

    /** A resolution one operator proposed, waiting for a second to confirm it with the same body. */
    @RegisterForReflection
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ProposalView(
            String object,
            String merchantId,
            String merchantRefundId,
            String status,
            String reason,
            Long refundedMinorAmount,
            AuditView.ActorView proposedBy,
            Instant proposedAt,
            Instant expiresAt) {}

    private final Resolutions resolutions;
    private final CurrentCaller caller;

    ResolveResource(Resolutions resolutions, CurrentCaller caller) {
        this.resolutions = resolutions;
        this.caller = caller;
    }

    @POST
    @Operation(
            summary = "Settle a MANUAL_REVIEW refund as SUCCEEDED or FAILED, with the reason for the event log",
            description = "For a refund whose PSP answer contradicted it (error code connector_mismatch), "
                    + "refunded_minor_amount records what the PSP actually refunded: the refund's amount becomes "
                    + "that and the payment's ledger counts it, releasing the rest. Needs refract-operator. With "
                    + "four eyes (refract.operators.four-eyes-minor-amount), a refund of at least that amount is "
                    + "resolved by two operators: the first resolve answers 202 with the proposal, a different "
                    + "operator confirms it with the same body (200, the refund). The same operator again: 403 "
                    + "four_eyes_required; another decision while a proposal stands: 409 four_eyes_mismatch; the "
                    + "admin token, which names nobody, cannot take part: 403 four_eyes_required.")
    @APIResponse(
            responseCode = "200",
            description = "The refund, resolved",
            content = @Content(schema = @Schema(implementation = RefundView.class)))
    @APIResponse(
            responseCode = "202",
            description = "Four eyes: the proposal, waiting for a second operator",
            content = @Content(schema = @Schema(implementation = ProposalView.class)))
    public Uni<RestResponse<Object>> resolve(
            @RestPath("merchant_id") String merchantId,
            @RestPath("merchant_refund_id") String merchantRefundId,
            String body) {
        Limits.requireBodyAtMost(body, Limits.MAX_API_BODY);
        Resolve request;
        try {
            request = StrictJson.read(body, Resolve.class);
        } catch (StrictJson.BadBody e) {
            throw ApiException.invalid(e.path.isEmpty() ? null : e.path, e.getMessage());
        }
        Resolution resolution = Resolution.of(request.status(), request.reason(), request.refundedMinorAmount());
        return resolutions
                .resolve(caller.get().actor(), merchantId, merchantRefundId, resolution)
                .map(outcome -> outcome instanceof Resolutions.Outcome.Proposed p
                        ? RestResponse.status(RestResponse.Status.ACCEPTED, proposal(p))
                        : RestResponse.ok(RefundView.of(((Resolutions.Outcome.Resolved) outcome).refund(), 200)));
    }

    static ProposalView proposal(Resolutions.Outcome.Proposed p) {
        return new ProposalView(
                "resolution_proposal",
                p.proposal().merchantId(),
                p.proposal().merchantRefundId(),
                p.proposal().status(),
                p.proposal().reason(),
                p.proposal().refundedMinorAmount(),
                AuditView.ActorView.of(p.proposal().proposedBy()),
                p.proposal().proposedAt(),
                p.expiresAt());
    }
}
