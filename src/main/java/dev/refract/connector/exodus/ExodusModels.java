package dev.refract.connector.exodus;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.Map;

/** Exodus Pay's refund wire records (POST /refunds). */
final class ExodusModels {

    private ExodusModels() {}

    /** {@code amount} in the currency's smallest unit; null refunds the full amount. */
    @RegisterForReflection
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record CreateRefund(String paymentId, Long amount, String reason, Map<String, String> metadata) {}

    @RegisterForReflection
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Refund(
            String id,
            String object,
            String paymentId,
            Long amount,
            String currency,
            String status,
            String reason,
            String stablecoin,
            String network,
            String destinationAddress,
            String transactionHash,
            RefundMetadata metadata) {}

    /** The metadata attached to the refund: Refract sends its merchant_refund_id there, and Exodus returns it. */
    @RegisterForReflection
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record RefundMetadata(String merchantRefundId) {}

    @RegisterForReflection
    record ErrorBody(Error error) {}

    @RegisterForReflection
    record Error(String type, String message, String param) {}
}
