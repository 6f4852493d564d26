package dev.refract.refund;

/**
 * One verified event of a PSP webhook delivery, as the core needs it. {@code outcome} is null for events that
 * say nothing about a refund's state; {@code payload} is the event's JSON text, kept as received.
 *
 * @param eventId           the PSP's id of the event, for deduplication
 * @param merchantRefundId  the merchant's reference when the PSP echoes it (Stripe metadata, Adyen merchantReference)
 * @param connectorRefundId the PSP's refund id
 */
public record WebhookEvent(String eventId, String type, String merchantRefundId, String connectorRefundId,
                           Outcome outcome, String payload) {
}
