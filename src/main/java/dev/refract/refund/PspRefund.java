package dev.refract.refund;

import java.time.Instant;

/**
 * One refund as a PSP's own books show it, read by reconciliation: an entry of the PSP's refund list, a row of a report
 * an operator uploaded, or the answer to a status read.
 *
 * @param connectorRefundId the PSP's id of the refund
 * @param reference         the merchant_refund_id the PSP keeps with the refund (Stripe's metadata, Adyen's modification
 *                          merchant reference), or null
 * @param pspReference      the key Refract gave the refund when the PSP keeps it as the refund's own id (Marqeta's
 *                          token), or null
 * @param record            its status and what it reports (amount, currency, payment), as an answer of the PSP is read
 * @param external          what to adopt it as should Refract not have it, as a webhook would describe it; null when it
 *                          cannot be adopted (it names a refund of Refract's, or lacks the payment or the amount)
 * @param createdAt         when the PSP made it, where it says
 */
public record PspRefund(
        String connectorRefundId,
        String reference,
        String pspReference,
        Outcome record,
        WebhookEvent.External external,
        Instant createdAt) {}
