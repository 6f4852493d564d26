package dev.refract.refund;

/**
 * The refund domain's errors, each with the API error code it answers with and the numbers in its message.
 * PSP results are {@link Outcome}s, not errors; these are what the core refuses before or without a PSP.
 */
public abstract sealed class RefundError extends RuntimeException {

    private final ErrorCode code;
    private final String param;

    private RefundError(ErrorCode code, String param, String message) {
        super(message, null, false, false);
        this.code = code;
        this.param = param;
    }

    public ErrorCode code() {
        return code;
    }

    /** The request field the error is about, or null. */
    public String param() {
        return param;
    }

    /** 400: a missing or invalid field ({@code invalid_request}, {@code invalid_currency}, {@code invalid_amount}, routing codes). */
    public static final class InvalidRequest extends RefundError {
        public InvalidRequest(ErrorCode code, String param, String message) {
            super(code, param, message);
        }

        public static InvalidRequest of(String param, String message) {
            return new InvalidRequest(ErrorCode.INVALID_REQUEST, param, message);
        }
    }

    /** 404: neither the router nor the PSP knows the payment. */
    public static final class TransactionNotFound extends RefundError {
        public TransactionNotFound(String message) {
            super(ErrorCode.TRANSACTION_NOT_FOUND, "connector_transaction_id", message);
        }
    }

    /** 404: no such refund for this merchant (another merchant's refund is answered the same way). */
    public static final class RefundNotFound extends RefundError {
        public RefundNotFound(String merchantRefundId) {
            super(
                    ErrorCode.REFUND_NOT_FOUND,
                    null,
                    CreateRefund.isMerchantRefundId(merchantRefundId)
                            ? "no refund with merchant_refund_id " + merchantRefundId
                            : "no such refund");
        }
    }

    /** 409: the merchant_refund_id was used before with different parameters. */
    public static final class IdempotencyConflict extends RefundError {
        public IdempotencyConflict(String merchantRefundId) {
            super(
                    ErrorCode.IDEMPOTENCY_CONFLICT,
                    "merchant_refund_id",
                    "merchant_refund_id " + merchantRefundId + " was already used with different parameters");
        }
    }

    /** 409: the refund cannot be cancelled (connector cannot, or the refund is past the point of cancel). */
    public static final class NotCancellable extends RefundError {
        public NotCancellable(String message) {
            super(ErrorCode.NOT_CANCELLABLE, null, message);
        }
    }

    /** 409: an operator tried to resolve a refund that is not waiting for one. */
    public static final class NotResolvable extends RefundError {
        public NotResolvable(String message) {
            super(ErrorCode.NOT_RESOLVABLE, "status", message);
        }
    }

    /** 422: more than what remains refundable. */
    public static final class AmountExceedsRefundable extends RefundError {
        public AmountExceedsRefundable(Money requested, Money refundable) {
            super(
                    ErrorCode.AMOUNT_EXCEEDS_REFUNDABLE,
                    "amount",
                    "amount " + requested.minorAmount() + " "
                            + requested.currency() + " exceeds refundable " + refundable.minorAmount() + " "
                            + refundable.currency());
        }
    }

    /** 422: the refund's currency is not the payment's. */
    public static final class CurrencyMismatch extends RefundError {
        public CurrencyMismatch(String requested, String payment) {
            super(
                    ErrorCode.CURRENCY_MISMATCH,
                    "amount.currency",
                    "currency " + requested + " differs from the payment's currency " + payment);
        }
    }

    /** 503: a PSP that Refract must ask before it can act could not be asked now; the caller retries later. */
    public static final class PspUnreachable extends RefundError {
        public PspUnreachable(String message) {
            super(ErrorCode.CONNECTOR_UNAVAILABLE, null, message);
        }
    }
}
