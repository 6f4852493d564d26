package dev.refract.connector.adyen;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Adyen's wire records (PaymentRefundRequest / PaymentRefundResponse of Checkout API v71). */
final class AdyenModels {

    private AdyenModels() {}

    @RegisterForReflection
    record Amount(String currency, long value) {}

    @RegisterForReflection
    record RefundRequest(String merchantAccount, Amount amount, String reference, String merchantRefundReason) {}

    @RegisterForReflection
    record RefundResponse(
            String merchantAccount,
            String paymentPspReference,
            String pspReference,
            String reference,
            String status,
            Amount amount) {}

    /** https://docs.adyen.com/development-resources/response-handling */
    @RegisterForReflection
    record ServiceError(Integer status, String errorCode, String message, String errorType, String pspReference) {}
}
