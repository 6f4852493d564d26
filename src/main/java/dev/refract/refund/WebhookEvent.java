package dev.refract.refund;

import java.util.Map;

/**
 * One verified event of a PSP webhook delivery, as the core needs it. {@code outcome} is null for events that
 * say nothing about a refund's state; {@code payload} is the event's JSON text, kept as received.
 *
 * @param eventId           the PSP's id of the event, for deduplication
 * @param merchantRefundId  the merchant's reference when the PSP echoes it (Stripe metadata, Adyen merchantReference)
 * @param connectorRefundId the PSP's refund id
 * @param external          what the event tells of the refund should Refract not know it: a refund made outside
 *                          Refract, to adopt; null when the event cannot be one (it names a Refract refund, or
 *                          lacks the payment or the amount)
 */
public record WebhookEvent(
        String eventId,
        String type,
        String merchantRefundId,
        String connectorRefundId,
        Outcome outcome,
        String payload,
        External external) {

    public WebhookEvent(
            String eventId,
            String type,
            String merchantRefundId,
            String connectorRefundId,
            Outcome outcome,
            String payload) {
        this(eventId, type, merchantRefundId, connectorRefundId, outcome, payload, null);
    }

    /**
     * A refund made at the PSP outside Refract (in its dashboard, say), as the PSP's event describes it.
     *
     * @param refund   its amount, currency and the ids of the refunded payment, the preferred key first
     * @param metadata the metadata the PSP holds for the refund and its payment ({@code credyt_customer_id} among
     *                 them, when the merchant's checkout put it there)
     */
    public record External(Outcome.Reported refund, Map<String, String> metadata) {
        public External {
            metadata = Map.copyOf(metadata);
        }
    }
}
