package dev.refract.connector.charges;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** The charges API's refund wire records: camelCase, amounts as strings of minor units. */
final class ChargesModels {

    private ChargesModels() {}

    /** Exactly one of {@code chargeId} and {@code paymentIntentId}. */
    @RegisterForReflection
    record CreateRefund(String chargeId, String paymentIntentId, String amount, String reason) {}

    @RegisterForReflection
    record Refund(
            String id,
            String chargeId,
            String amount,
            String currency,
            String status,
            String reason,
            String balanceTransactionId,
            String createdAt) {}

    /** Error answers carry a message and, where the API gives one, a code. */
    @RegisterForReflection
    record ErrorBody(String error, String code, String message) {}
}
