package dev.refract.refund;

/** The status a merchant sees. Every state that is not final yet is {@link #PENDING}. */
public enum RefundStatus {
    PENDING,
    SUCCEEDED,
    FAILED,
    MANUAL_REVIEW
}
