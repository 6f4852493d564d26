package dev.refract.refund;

import java.util.Locale;

/**
 * Every code an error or a failed refund is answered with ({@code error.code}): what the core refuses, and why a
 * refund is FAILED or in MANUAL_REVIEW. One list, so that the API's table from code to HTTP status can be
 * exhaustive: a new code does not compile until it has its status.
 */
public enum ErrorCode {
    // the request, refused before anything is recorded
    INVALID_REQUEST,
    INVALID_CURRENCY,
    INVALID_AMOUNT,
    CONNECTOR_REQUIRED,
    CONNECTOR_NOT_ENABLED,
    TRANSACTION_NOT_FOUND,
    REFUND_NOT_FOUND,
    IDEMPOTENCY_CONFLICT,
    NOT_CANCELLABLE,
    NOT_RESOLVABLE,
    AMOUNT_EXCEEDS_REFUNDABLE,
    CURRENCY_MISMATCH,
    CONNECTOR_UNAVAILABLE,
    // reconciliation, refused before a run starts
    CONNECTOR_NOT_RECONCILABLE,
    INVALID_REPORT,
    // a refund the PSP refused, or that ended otherwise than it was asked
    REFUND_FAILED,
    REFUND_CANCELLED,
    REFUND_RETURNED,
    RESOLVED_AS_FAILED,
    // a refund waiting for an operator
    OUTCOME_UNKNOWN,
    CONNECTOR_MISMATCH;

    /** The code as the API and the stored refund spell it ({@code refund_failed}). */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The code of its wire spelling; an unknown spelling is an {@link IllegalArgumentException}. */
    public static ErrorCode of(String wire) {
        return valueOf(wire.toUpperCase(Locale.ROOT));
    }
}
