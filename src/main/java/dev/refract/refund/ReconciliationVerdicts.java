package dev.refract.refund;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * What a record a reconciliation run looked at is, in words both sides can check: matched, mismatched, adopted or
 * missing at the PSP, each exception naming Refract's values and the PSP's. Pure: the run decides with this, then
 * acts ({@link Refund#reconcile}, {@link WebhookIntake#adoptExternal}).
 */
public final class ReconciliationVerdicts {

    private ReconciliationVerdicts() {}

    /** The key of a PSP's record among a run's items. */
    public static String pspKey(String connectorRefundId) {
        return "psp:" + connectorRefundId;
    }

    /** The key of a refund of Refract's the PSP did not show. */
    public static String refundKey(long refundId) {
        return "refund:" + refundId;
    }

    /**
     * A PSP's record of a refund and the refund of Refract's it is ({@code found}, null when Refract has none):
     * matched when the two agree (or Refract is only behind), mismatched when they contradict each other, adopted when
     * Refract has none and the record can be adopted, and mismatched when it cannot be (it names a refund of
     * Refract's that Refract does not have, or lacks what recording it needs). A record the PSP disowns for a refund
     * Refract counts as SUCCEEDED is missing at the PSP.
     *
     * A record of a refund that failed at the PSP, of which Refract has none, moved no money: it is nothing to
     * reconcile (null).
     *
     * @param resolved whether an operator settled {@code found} before: a contradiction is reported, and stays
     */
    public static ReconciliationRun.Item of(String connector, PspRefund p, Refund found, boolean resolved) {
        String key = pspKey(p.connectorRefundId());
        if (found != null) {
            if (p.record() instanceof Outcome.Disowned d && found.state() == RefundState.SUCCEEDED) {
                return new ReconciliationRun.Item(
                        key,
                        ReconciliationRun.Kind.MISSING_AT_PSP,
                        found.id(),
                        found.merchantRefundId(),
                        p.connectorRefundId(),
                        "Refract: " + describe(found) + "; " + connector + ": no refund " + p.connectorRefundId()
                                + (d.connectorCode() != null ? " (" + d.connectorCode() + ")" : ""));
            }
            String contradiction = Contradiction.ofRecord(found, p.record());
            return new ReconciliationRun.Item(
                    key,
                    contradiction == null ? ReconciliationRun.Kind.MATCHED : ReconciliationRun.Kind.MISMATCHED,
                    found.id(),
                    found.merchantRefundId(),
                    p.connectorRefundId(),
                    contradiction == null
                            ? null
                            : contradiction + ". Refract: " + describe(found) + "; " + connector + ": "
                                    + describe(p)
                                    + (resolved
                                            ? "; an operator resolved the refund before, so it stays as they left it"
                                            : ""));
        }
        if (Contradiction.statusOf(p.record()) == RefundStatus.FAILED) {
            return null;
        }
        String psp = connector + ": " + describe(p) + "; Refract: no refund of it";
        if (adoptable(connector, p)) {
            String adoptedAs = ExternalRefund.merchantRefundIdFor(connector, p.connectorRefundId());
            return new ReconciliationRun.Item(
                    key,
                    ReconciliationRun.Kind.ADOPTED,
                    null,
                    adoptedAs,
                    p.connectorRefundId(),
                    psp + ", so it is adopted as " + adoptedAs + ", made outside Refract");
        }
        String why = p.external() == null && p.reference() != null
                ? "; the PSP's record names merchant_refund_id " + p.reference()
                        + ", which Refract does not have, so it is not adopted as a refund made outside Refract"
                : "; the record lacks what recording it needs (the payment, a whole amount in a known currency, a "
                        + "status), so it is not adopted";
        return new ReconciliationRun.Item(
                key, ReconciliationRun.Kind.MISMATCHED, null, p.reference(), p.connectorRefundId(), psp + why);
    }

    /** A refund of Refract's, SUCCEEDED and created in the window, that the PSP did not show ({@code pspSide} says how). */
    public static ReconciliationRun.Item missing(Refund refund, String connector, String pspSide) {
        return new ReconciliationRun.Item(
                refundKey(refund.id()),
                ReconciliationRun.Kind.MISSING_AT_PSP,
                refund.id(),
                refund.merchantRefundId(),
                refund.connectorRefundId(),
                "Refract: " + describe(refund) + "; " + connector + ": " + pspSide);
    }

    /** What a record whose adoption the payment's ledger refused is instead. */
    public static ReconciliationRun.Item notAdopted(String connector, PspRefund p) {
        return new ReconciliationRun.Item(
                pspKey(p.connectorRefundId()),
                ReconciliationRun.Kind.MISMATCHED,
                null,
                p.reference(),
                p.connectorRefundId(),
                connector + ": " + describe(p) + "; Refract: no refund of it, and its payment's ledger refuses it "
                        + "(another connector's payment, another currency, or past the captured amount), so it is not "
                        + "adopted");
    }

    /** The event that describes the record as a webhook would, for adopting it as a refund made outside Refract. */
    public static WebhookEvent adoption(String runId, PspRefund p) {
        return new WebhookEvent(
                "reconciliation:" + runId + ":" + p.connectorRefundId(),
                "reconciliation " + runId,
                p.reference(),
                p.connectorRefundId(),
                p.record(),
                "{}",
                p.external());
    }

    private static boolean adoptable(String connector, PspRefund p) {
        return p.external() != null && ExternalRefund.describesARefund(adoption("", p));
    }

    /** "refund re_1, succeeded (SUCCEEDED), 1000 USD minor units of payment pi_1, created …" */
    static String describe(PspRefund p) {
        Outcome.Reported reported = p.record().reported();
        StringBuilder s =
                new StringBuilder("refund ").append(p.connectorRefundId()).append(", ");
        s.append(p.record().connectorStatus() != null ? p.record().connectorStatus() + " " : "")
                .append('(')
                .append(Contradiction.statusOf(p.record()))
                .append(')');
        s.append(", ").append(amount(reported.minorAmount(), reported.currency()));
        List<String> payments = reported.paymentIds();
        if (!payments.isEmpty()) {
            s.append(" of payment ").append(String.join(" / ", payments));
        }
        return created(s, p.createdAt());
    }

    /** "refund r_1 (PSP refund re_1), SUCCEEDED, 1000 USD minor units of payment pi_1, created …" */
    static String describe(Refund r) {
        StringBuilder s = new StringBuilder("refund ").append(r.merchantRefundId());
        if (r.connectorRefundId() != null) {
            s.append(" (PSP refund ").append(r.connectorRefundId()).append(')');
        }
        s.append(", ").append(r.state().status());
        if (!r.state().name().equals(r.state().status().name())) {
            s.append(" (").append(r.state()).append(')');
        }
        s.append(", ")
                .append(amount(
                        BigDecimal.valueOf(r.amount().minorAmount()), r.amount().currency()))
                .append(" of payment ")
                .append(r.connectorTransactionId());
        return created(s, r.createdAt());
    }

    private static String amount(BigDecimal minor, String currency) {
        if (minor == null) {
            return "no amount";
        }
        return minor.stripTrailingZeros().toPlainString() + " " + (currency == null ? "(no currency)" : currency)
                + " minor units";
    }

    private static String created(StringBuilder s, Instant at) {
        return at == null ? s.toString() : s.append(", created ").append(at).toString();
    }
}
