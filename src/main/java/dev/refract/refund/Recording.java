package dev.refract.refund;

import java.time.Instant;

/**
 * A new refund as the create decided it, for the store to record with its amount reserved in the payment's ledger:
 * the store asks this recording what follows from the ledger as the create read it, and when the ledger has moved
 * since, from the ledger as read under its row lock.
 *
 * @param captured    the captured amount the merchant or the PSP gave, or null
 * @param firstAction when the janitor may first take the refund if its submission never reports back
 * @param seenLedger  the payment's ledger as the create read it, or null when the payment had none: the store
 *                    records in one statement while the ledger is still this, and under its lock otherwise
 */
public record Recording(
        String merchantId,
        CreateRefund command,
        String connector,
        Money captured,
        Instant firstAction,
        PaymentLedger seenLedger) {

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
