package dev.refract.connector.stripe;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.Map;

/** Stripe's wire records, only the fields Refract reads (https://docs.stripe.com/api/refunds/object). */
final class StripeModels {

    private StripeModels() {}

    @RegisterForReflection
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Refund(
            String id,
            String object,
            Long amount,
            String currency,
            String status,
            String charge,
            String paymentIntent,
            String reason,
            String failureReason,
            RefundMetadata metadata) {}

    /** The refund's metadata: Refract sends its merchant_refund_id there, and Stripe echoes it in every answer. */
    @RegisterForReflection
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record RefundMetadata(String merchantRefundId) {}

    @RegisterForReflection
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record ErrorBody(Error error) {}

    @RegisterForReflection
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Error(String type, String code, String message, String param, String declineCode) {}

    /** https://docs.stripe.com/api/payment_intents/object */
    @RegisterForReflection
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record PaymentIntent(
            String id, Long amountReceived, String currency, String status, Map<String, String> metadata) {}

    /** https://docs.stripe.com/api/charges/object */
    @RegisterForReflection
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Charge(String id, Long amountCaptured, String currency, Boolean captured, Map<String, String> metadata) {}
}
