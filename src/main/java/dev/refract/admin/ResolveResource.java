package dev.refract.admin;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.refract.http.ApiException;
import dev.refract.http.Limits;
import dev.refract.http.RefundView;
import dev.refract.http.StrictJson;
import dev.refract.refund.RefundService;
import dev.refract.store.MerchantDirectory;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;

/** An operator settles a MANUAL_REVIEW refund after checking the PSP by hand; the reason goes to the event log. */
@Path("/admin/v1/merchants/{merchant_id}/refunds/{merchant_refund_id}/resolve")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
@Tag(name = "Operations")
@OperatorApi
public class ResolveResource {

    @RegisterForReflection
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Resolve(String status, String reason, Long refundedMinorAmount) {}

    private final MerchantDirectory merchants;
    private final RefundService refunds;

    ResolveResource(MerchantDirectory merchants, RefundService refunds) {
        this.merchants = merchants;
        this.refunds = refunds;
    }

    @POST
    @Operation(
            summary = "Settle a MANUAL_REVIEW refund as SUCCEEDED or FAILED, with the reason for the event log",
            description = "For a refund whose PSP answer contradicted it (error code connector_mismatch), "
                    + "refunded_minor_amount records what the PSP actually refunded: the refund's amount becomes "
                    + "that and the payment's ledger counts it, releasing the rest.")
    public Uni<RefundView> resolve(
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
        if (!Limits.isId(merchantId)) {
            throw new ApiException(404, "invalid_request_error", "merchant_not_found", "no such merchant", null);
        }
        return merchants
                .get(merchantId)
                .chain(m -> {
                    if (m == null) {
                        throw new ApiException(
                                404, "invalid_request_error", "merchant_not_found", "no such merchant", null);
                    }
                    return refunds.resolve(
                            MerchantDirectory.toMerchant(m),
                            merchantRefundId,
                            resolution.to(),
                            resolution.reason(),
                            resolution.refundedMinorAmount());
                })
                .map(r -> RefundView.of(r, 200));
    }
}
