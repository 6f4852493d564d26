package dev.refract.admin;

import dev.refract.http.ApiException;
import dev.refract.refund.AuditEntry;
import dev.refract.refund.RefundState;

/**
 * An operator's settlement of a MANUAL_REVIEW refund, checked: the final state, the reason for the event log, and
 * for a contradicted refund what the PSP actually refunded.
 */
public record Resolution(RefundState to, String reason, Long refundedMinorAmount) {

    public static final int MAX_REASON = 500;

    /** From the request's words; a 400 in the API's error shape names the field that is wrong. */
    public static Resolution of(String status, String reason, Long refundedMinorAmount) {
        RefundState to;
        if ("SUCCEEDED".equals(status)) {
            to = RefundState.SUCCEEDED;
        } else if ("FAILED".equals(status)) {
            to = RefundState.FAILED;
        } else {
            throw ApiException.invalid("status", "status must be SUCCEEDED or FAILED");
        }
        if (reason == null || reason.isBlank() || reason.length() > MAX_REASON || reason.indexOf('\u0000') >= 0) {
            throw ApiException.invalid("reason", "reason is required: 1 to 500 characters, for the event log");
        }
        if (AuditEntry.looksSecret(reason)) {
            // the reason goes to the event log and the audit trail, where no key or token may ever be
            throw ApiException.invalid("reason", "reason must not carry an API key, a secret or a token");
        }
        if (refundedMinorAmount != null && (to != RefundState.SUCCEEDED || refundedMinorAmount <= 0)) {
            throw ApiException.invalid(
                    "refunded_minor_amount",
                    "refunded_minor_amount is what the PSP refunded, a positive integer, and only with SUCCEEDED");
        }
        return new Resolution(to, reason, refundedMinorAmount);
    }
}
