package dev.refract.connector.adyen;

/** Adyen's wire records (PaymentRefundRequest / PaymentRefundResponse of Checkout API v71). */
final class AdyenModels {

    private AdyenModels() {
    }

    record Amount(String currency, long value) {
    }

    record RefundRequest(String merchantAccount, Amount amount, String reference, String merchantRefundReason) {
    }

    record RefundResponse(String merchantAccount, String paymentPspReference, String pspReference, String reference,
                          String status, Amount amount) {
    }

    /** https://docs.adyen.com/development-resources/response-handling */
    record ServiceError(Integer status, String errorCode, String message, String errorType, String pspReference) {
    }
}
