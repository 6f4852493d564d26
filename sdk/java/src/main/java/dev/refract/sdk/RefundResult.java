package dev.refract.sdk;

import dev.refract.sdk.model.Refund;

/**
 * The answer to a create: the refund, and whether it is the stored refund of an earlier send with the same
 * {@code merchant_refund_id} ({@code Idempotent-Replayed: true}). A create the client retried after a lost answer
 * is replayed too: the first send made the refund, the retry found it.
 *
 * @param refund the refund as it is now; {@code FAILED} with its {@code error} when the PSP declined
 * @param replayed the {@code Idempotent-Replayed} header
 * @param statusCode the HTTP status: 200, or 402, 404, 422 for a refund the PSP refused
 * @param requestId the answer's {@code X-Request-Id}
 */
public record RefundResult(Refund refund, boolean replayed, int statusCode, String requestId) {}
