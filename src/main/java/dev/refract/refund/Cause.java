package dev.refract.refund;

/** Why a refund changed, as written to its event log. */
public enum Cause {
    /** Created through the merchant API. */
    API,
    /** The PSP's answer to the submission made while the merchant waited. */
    PSP,
    /** A sync the merchant asked for. */
    SYNC,
    /** The janitor: a resubmission, a background sync, or giving up after the configured attempts. */
    JANITOR,
    /** A PSP webhook. */
    WEBHOOK,
    /** An operator's decision. */
    OPERATOR,
    /** Reconciliation: what the PSP's own records of the refund said when Refract's books were checked against them. */
    RECONCILIATION
}
