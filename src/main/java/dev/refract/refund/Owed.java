package dev.refract.refund;

import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * What a change of a refund owes to parties outside, decided here and written by the store in the transaction of
 * the change itself, so that it is delivered if and only if the change was committed:
 * <ul>
 *   <li>a notification {@code refund.<status>} to the merchant, when the refund's public status changed;</li>
 *   <li>a wallet adjustment when a refund whose payment names the customer's wallet ({@link Wallet#CUSTOMER_KEY})
 *       succeeds, and its reversal when such a refund fails after it had succeeded, also when an operator fails it
 *       after a PSP's answer had put it in review.</li>
 * </ul>
 * The store writes each only where it reaches someone: a notification to a merchant with a webhook URL, a wallet
 * move for a merchant with the wallet enabled, a reversal only after an adjustment.
 *
 * @param notificationId   the notification's event id ({@code evt_…}), or null when none is owed
 * @param notificationType {@code refund.succeeded} and so on, or null
 * @param wallet           the wallet move owed, or null
 */
public record Owed(String notificationId, String notificationType, WalletMove wallet) {

    /** A move of the customer's wallet; each is owed at most once per refund. */
    public enum WalletMove {
        ADJUSTMENT,
        REVERSAL
    }

    public static final Owed NOTHING = new Owed(null, null, null);

    /** What this change (its event) of a refund with this metadata owes; nothing for no change. */
    public static Owed by(Refund.Event event, Map<String, String> metadata) {
        if (event == null) {
            return NOTHING;
        }
        boolean statusChanged =
                event.from() == null || event.from().status() != event.to().status();
        WalletMove wallet = null;
        if (metadata.containsKey(Wallet.CUSTOMER_KEY)) {
            if (event.to() == RefundState.SUCCEEDED) {
                wallet = WalletMove.ADJUSTMENT;
            } else if (event.to() == RefundState.FAILED
                    && (event.from() == RefundState.SUCCEEDED || event.from() == RefundState.MANUAL_REVIEW)) {
                // a refund in review may have succeeded before an answer contradicted it: the store writes the
                // reversal only where an adjustment was queued
                wallet = WalletMove.REVERSAL;
            }
        }
        return new Owed(
                statusChanged ? "evt_" + UUID.randomUUID().toString().replace("-", "") : null,
                statusChanged ? "refund." + event.to().status().name().toLowerCase(Locale.ROOT) : null,
                wallet);
    }
}
