package dev.refract.refund;

/** Why a refund is FAILED or in MANUAL_REVIEW, with the PSP's own code and message where it gave them. */
public record RefundFailure(
        String type, ErrorCode code, String message, String connectorCode, String connectorMessage) {

    public static RefundFailure of(Outcome.Declined d) {
        return new RefundFailure("refund_error", d.code(), d.message(), d.connectorCode(), d.connectorMessage());
    }

    public static RefundFailure of(Outcome.NotFound n) {
        return new RefundFailure(
                "invalid_request_error",
                ErrorCode.TRANSACTION_NOT_FOUND,
                "the PSP does not know this connector_transaction_id",
                n.connectorCode(),
                n.connectorMessage());
    }

    public static RefundFailure exhausted(int attempts) {
        return new RefundFailure(
                "refund_error",
                ErrorCode.OUTCOME_UNKNOWN,
                "no final outcome from the PSP after " + attempts + " attempts; an operator must settle it",
                null,
                null);
    }
}
