package dev.refract.refund;

import java.time.Instant;

/**
 * A new refund as the create decided it, for the store to record in one transaction under the payment's row lock:
 * the store reads the payment's ledger there and asks this recording what follows from it.
 *
 * @param captured    the captured amount the merchant or the PSP gave, or null
 * @param firstAction when the janitor may first take the refund if its submission never reports back
 */
public record Recording(
        String merchantId, CreateRefund command, String connector, Money captured, Instant firstAction) {

    /** The PSP reference (and idempotency key) of the refund, derived from the merchant and the merchant_refund_id. */
    public String pspReference() {
        return Refund.pspReferenceFor(merchantId, command.merchantRefundId());
    }

    /**
     * A payment's refunds all go through the connector that took its first one: the payment's ledger names it,
     * and another one is refused.
     */
    public void requireConnectorOf(String paymentsConnector) {
        ConnectorRouter.requireSameConnector(command.connectorTransactionId(), paymentsConnector, connector);
    }

    /** Reserves the amount in the payment's ledger as read under its lock, or refuses it. */
    public PaymentLedger.Reservation reserveIn(PaymentLedger ledger) {
        return ledger.reserve(command.amount(), captured);
    }

    /** The refund's first event, once its amount is reserved. */
    public Refund.Event firstEvent(Money reserved) {
        return new Refund.Event(null, RefundState.RECEIVED, Cause.API, null, "recorded " + reserved);
    }
}
