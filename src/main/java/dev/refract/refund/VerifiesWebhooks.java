package dev.refract.refund;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A connector whose PSP sends refund webhooks that it can verify and read. */
public interface VerifiesWebhooks {

    /**
     * Verifies a webhook delivery exactly as the PSP signs it and reads its events. Pure: no I/O.
     *
     * @param secrets the merchant's webhook secrets for this PSP: the current one first, then one replaced
     *                within its grace period; a delivery signed with any of them is the PSP's
     * @param headers request headers, names in lower case
     * @param body    the raw body, as received
     * @throws WebhookRejected when the delivery is not provably from the PSP
     */
    List<WebhookEvent> verifyWebhook(List<String> secrets, Map<String, String> headers, byte[] body, Instant now);

    /**
     * The account at the PSP whose events this merchant's endpoint is for, as the PSP names it in its events, from
     * the merchant's account settings; null when its events name none. The same for every connector that names the
     * account in its events: an event for another account, naming one where none is expected or none where one is,
     * is not the merchant's ({@link WebhookEvent#pspAccount()}), and is acknowledged without being applied.
     */
    default String webhookAccount(ConnectorAccount account) {
        return null;
    }

    /** The body the PSP expects as acknowledgement (Adyen: {@code [accepted]}). */
    default String webhookAcknowledgement() {
        return "{\"received\":true}";
    }
}
