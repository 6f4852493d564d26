package dev.refract.refund;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;

/**
 * A refund made at the PSP outside Refract (in its dashboard, or through its API directly), which Refract learns
 * of from a verified webhook and adopts, so that the payment's ledger, the merchant's notifications and the
 * customer's wallet follow it as they follow any refund.
 *
 * <p>An external refund can never be one of Refract's own: every refund Refract sends is recorded before the PSP
 * is called and carries its reference to the PSP, which echoes it in its events, so an event for one of them is
 * always matched to it first. Only an event that matches no refund, by reference or by PSP refund id, is adopted.
 */
public final class ExternalRefund {

    /** What an external refund has instead of a request's fingerprint: nobody can replay it. */
    static final String FINGERPRINT = "external";

    private ExternalRefund() {}

    /**
     * Its merchant_refund_id: {@code external:<connector>:<PSP refund id>}, or, for a PSP id that would not fit the
     * id's alphabet or length, a digest of it in the PSP id's place. The same PSP refund always gets the same one.
     */
    public static String merchantRefundIdFor(String connector, String connectorRefundId) {
        String id = Refund.EXTERNAL_PREFIX + connector + ":" + connectorRefundId;
        if (CreateRefund.isMerchantRefundId(id)) {
            return id;
        }
        return Refund.EXTERNAL_PREFIX + connector + ":" + Sha256.hex(connectorRefundId, 16);
    }

    /**
     * The adoption of the refund an event describes: the refund as first recorded, its first event and what the
     * payment's ledger moves by. Its state is the PSP's: SUCCEEDED, PENDING (then followed by sync and webhooks
     * like any refund) or FAILED (recorded, so a late event cannot revive it). Null when the event does not
     * describe a refund that can be recorded: no PSP refund id, no payment, no whole amount in a known currency,
     * or an outcome that is no refund's state.
     */
    public static Refund.Applied adoption(
            String merchantId,
            String connector,
            WebhookEvent event,
            Map<String, String> metadata,
            RetryPolicy policy,
            Instant now) {
        return adoption(merchantId, connector, event, metadata, policy, now, Cause.WEBHOOK);
    }

    /**
     * The same, learned of otherwise than by webhook: {@code cause} is what its first event says (reconciliation,
     * which finds it in the PSP's books, describes it as a webhook would).
     */
    public static Refund.Applied adoption(
            String merchantId,
            String connector,
            WebhookEvent event,
            Map<String, String> metadata,
            RetryPolicy policy,
            Instant now,
            Cause cause) {
        if (!describesARefund(event)) {
            return null;
        }
        WebhookEvent.External external = event.external();
        Money amount = amountOf(external.refund());
        RefundState state = stateOf(event.outcome());
        String merchantRefundId = merchantRefundIdFor(connector, event.connectorRefundId());
        RefundFailure failure = event.outcome() instanceof Outcome.Declined d ? RefundFailure.of(d) : null;
        Refund refund = new Refund(
                0,
                merchantId,
                merchantRefundId,
                connector,
                external.refund().paymentIds().get(0),
                event.connectorRefundId(),
                state,
                event.outcome().connectorStatus(),
                amount,
                null,
                metadata,
                Map.of(),
                event.outcome().details(),
                failure,
                FINGERPRINT,
                Refund.pspReferenceFor(merchantId, merchantRefundId),
                0,
                state == RefundState.PENDING ? policy.nextAction(0, now) : null,
                0,
                now,
                now,
                true);
        Refund.Event first = new Refund.Event(
                null,
                state,
                cause,
                event.outcome().connectorStatus(),
                "adopted: refunded at " + connector + " outside Refract (" + event.type() + ")");
        Refund.LedgerDelta ledger = switch (state) {
            case SUCCEEDED -> new Refund.LedgerDelta(0, amount.minorAmount());
            case PENDING -> new Refund.LedgerDelta(amount.minorAmount(), 0);
            default -> new Refund.LedgerDelta(0, 0);
        };
        return new Refund.Applied(refund, first, ledger);
    }

    /**
     * Whether the event describes a refund that can be recorded: a PSP refund id, the payment, a whole amount in a
     * known currency, and an outcome that is a refund's state.
     */
    public static boolean describesARefund(WebhookEvent event) {
        WebhookEvent.External external = event.external();
        return external != null
                && event.connectorRefundId() != null
                && !external.refund().paymentIds().isEmpty()
                && amountOf(external.refund()) != null
                && stateOf(event.outcome()) != null;
    }

    private static RefundState stateOf(Outcome outcome) {
        return outcome instanceof Outcome.Succeeded
                ? RefundState.SUCCEEDED
                : outcome instanceof Outcome.Pending
                        ? RefundState.PENDING
                        : outcome instanceof Outcome.Declined ? RefundState.FAILED : null;
    }

    /** The reported amount as exact minor units, or null when it is none (fractional, absent, not positive). */
    private static Money amountOf(Outcome.Reported reported) {
        if (reported.minorAmount() == null
                || reported.currency() == null
                || !Money.isKnownCurrency(reported.currency())) {
            return null;
        }
        BigDecimal minor = reported.minorAmount().stripTrailingZeros();
        if (minor.signum() <= 0 || minor.scale() > 0 || minor.precision() - minor.scale() > 18) {
            return null;
        }
        return Money.of(minor.longValueExact(), reported.currency());
    }
}
