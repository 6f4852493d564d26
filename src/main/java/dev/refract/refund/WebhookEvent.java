package dev.refract.refund;

import java.util.Map;
import java.util.regex.Pattern;

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
 * @param pspAccount        the account at the PSP the event is for, as the event names it (Adyen's
 *                          merchantAccountCode, the connected account of a Stripe Connect event); null when it names
 *                          none
 * @param unreadable        why Refract cannot read the event (a field of the wrong type, an amount that is no whole
 *                          number, no id), or null: such an event is kept for an operator and never applied
 */
public record WebhookEvent(
        String eventId,
        String type,
        String merchantRefundId,
        String connectorRefundId,
        Outcome outcome,
        String payload,
        External external,
        String pspAccount,
        String unreadable) {

    /**
     * A NUL character, or its escape in JSON text: a backslash, {@code u0000}, and before them an even number of
     * backslashes (escaped backslashes) or none.
     */
    private static final Pattern NUL = Pattern.compile("\u0000|(?<!\\\\)(?:\\\\\\\\)*\\\\[u]0000");

    public WebhookEvent {
        pspAccount = pspAccount == null || pspAccount.isEmpty() ? null : pspAccount;
    }

    public WebhookEvent(
            String eventId,
            String type,
            String merchantRefundId,
            String connectorRefundId,
            Outcome outcome,
            String payload,
            External external) {
        this(eventId, type, merchantRefundId, connectorRefundId, outcome, payload, external, null, null);
    }

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
     * A verified event that Refract cannot read, with whatever ids it could read (for an operator to find it by):
     * kept as received, never matched to a refund, adopted or applied.
     */
    public static WebhookEvent unreadable(
            String eventId,
            String type,
            String merchantRefundId,
            String connectorRefundId,
            String payload,
            String why) {
        return new WebhookEvent(eventId, type, merchantRefundId, connectorRefundId, null, payload, null, null, why);
    }

    /**
     * A verified delivery that is no event of the PSP's at all (not JSON, or no id): it has no id to be deduplicated
     * by, so it is given one derived from its text, the same on every resend of it.
     */
    public static WebhookEvent unidentified(String payload, String why) {
        return unreadable("unidentified:" + Sha256.hex(payload, 16), null, null, null, payload, why);
    }

    /** The same event, for the PSP account it names. */
    public WebhookEvent forAccount(String account) {
        return new WebhookEvent(
                eventId, type, merchantRefundId, connectorRefundId, outcome, payload, external, account, unreadable);
    }

    /**
     * Whether the event carries a NUL character anywhere (every part of it comes from its payload, where JSON writes
     * it escaped). No PSP id or word holds one, and PostgreSQL's text cannot: such an event is kept, never applied.
     */
    public boolean carriesNul() {
        return payload != null && NUL.matcher(payload).find();
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
