package dev.refract.http;

import dev.refract.refund.ErrorCode;

/**
 * The one table from an error code to the HTTP status and error type it is answered with, for the core's errors
 * and for the create of a refund that failed. It has no default: a new {@link ErrorCode} does not compile until it
 * is given its row here.
 */
public record ErrorStatus(int status, String type) {

    public static ErrorStatus of(ErrorCode code) {
        return switch (code) {
            case INVALID_REQUEST,
                    INVALID_CURRENCY,
                    INVALID_AMOUNT,
                    CONNECTOR_REQUIRED,
                    CONNECTOR_NOT_ENABLED,
                    CONNECTOR_NOT_RECONCILABLE,
                    INVALID_REPORT -> new ErrorStatus(400, "invalid_request_error");
            case TRANSACTION_NOT_FOUND, REFUND_NOT_FOUND -> new ErrorStatus(404, "invalid_request_error");
            case IDEMPOTENCY_CONFLICT -> new ErrorStatus(409, "idempotency_error");
            case NOT_CANCELLABLE, NOT_RESOLVABLE -> new ErrorStatus(409, "invalid_request_error");
            case AMOUNT_EXCEEDS_REFUNDABLE, CURRENCY_MISMATCH -> new ErrorStatus(422, "invalid_request_error");
            case CONNECTOR_UNAVAILABLE -> new ErrorStatus(503, "api_error");
            // a refund the PSP declined (or an operator settled as failed): 402, with the FAILED refund as the body
            case REFUND_FAILED, REFUND_CANCELLED, REFUND_RETURNED, RESOLVED_AS_FAILED ->
                new ErrorStatus(402, "refund_error");
            // a refund waiting for an operator is accepted: 200, with the refund in MANUAL_REVIEW as the body
            case OUTCOME_UNKNOWN, CONNECTOR_MISMATCH -> new ErrorStatus(200, "refund_error");
        };
    }
}
