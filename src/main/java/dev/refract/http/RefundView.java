package dev.refract.http;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.refract.refund.Refund;
import dev.refract.refund.RefundFailure;
import dev.refract.refund.RefundState;
import dev.refract.refund.RefundStatus;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A refund as every endpoint answers it. {@code status_code} is the HTTP status of the answer carrying it;
 * {@code external} is true for a refund made at the PSP outside Refract and adopted from its webhook.
 */
@RegisterForReflection
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record RefundView(
        String merchantRefundId,
        String connector,
        String connectorTransactionId,
        String connectorRefundId,
        RefundStatus status,
        String connectorStatus,
        MoneyView amount,
        String reason,
        Map<String, String> metadata,
        ErrorView error,
        Map<String, String> connectorDetails,

        @Schema(
                description = "true for a refund made at the PSP outside Refract (its dashboard, its API), adopted "
                        + "from the PSP's webhook; its merchant_refund_id is external:<connector>:<PSP refund id>")
        boolean external,

        int statusCode,
        Instant createdAt,
        Instant updatedAt) {

    @RegisterForReflection
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record MoneyView(long minorAmount, String currency) {}

    @RegisterForReflection
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ErrorView(String type, String code, String message, String connectorCode, String connectorMessage) {}

    public static RefundView of(Refund r, int statusCode) {
        RefundFailure f = r.failure();
        ErrorView error = f == null || !(r.state() == RefundState.FAILED || r.state() == RefundState.MANUAL_REVIEW)
                ? null
                : new ErrorView(f.type(), f.code().wire(), f.message(), f.connectorCode(), f.connectorMessage());
        return new RefundView(
                r.merchantRefundId(),
                r.connector(),
                r.connectorTransactionId(),
                r.connectorRefundId(),
                r.status(),
                r.connectorStatus(),
                new MoneyView(r.amount().minorAmount(), r.amount().currency()),
                r.reason(),
                r.metadata(),
                error,
                r.connectorDetails(),
                r.external(),
                statusCode,
                r.createdAt(),
                r.updatedAt());
    }

    /**
     * The HTTP status of a create (and of its replays): 200 while accepted or done, else the status of the
     * failure's code in {@link ErrorStatus}: 404 unknown payment, 422 amount or currency refused by the PSP, 402
     * any other decline.
     */
    public static int createStatus(Refund r) {
        if (r.state() != RefundState.FAILED || r.failure() == null) {
            return 200;
        }
        return ErrorStatus.of(r.failure().code()).status();
    }
}
