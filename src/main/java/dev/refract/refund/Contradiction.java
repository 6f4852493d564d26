package dev.refract.refund;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether a PSP's answer contradicts the refund it answers for: another amount, currency, payment or PSP refund id.
 * Such an answer is never taken as success. The PSP did something, but not what was asked, so the refund goes to
 * MANUAL_REVIEW with the amount still reserved, until an operator has looked at the PSP's books.
 */
public final class Contradiction {

    private Contradiction() {}

    /** What the answer contradicts, naming both values; null when it contradicts nothing. */
    public static String of(Refund refund, Outcome outcome) {
        List<String> found = parts(refund, outcome);
        return found.isEmpty() ? null : "the PSP's answer contradicts the refund; " + String.join("; ", found);
    }

    /**
     * What the PSP's own record of the refund, read when Refract's books are checked against the PSP's, contradicts:
     * what {@link #of} finds in any answer, and a final status the two do not share (a refund Refract counts as
     * settled that the PSP does not, or settled otherwise). A refund Refract has not settled yet is not contradicted
     * by the PSP's status: it is behind, and the record settles it as an answer would. Neither is a success the PSP
     * reports failed after all (Stripe {@code failed}, Marqeta {@code RETURNED}), which a sync would apply too. A
     * refund waiting for an operator's decision is in disagreement with any record until the operator decides. Null
     * when the two agree.
     */
    public static String ofRecord(Refund refund, Outcome record) {
        List<String> found = new ArrayList<>();
        if (record instanceof Outcome.Disowned d) {
            if (refund.state() != RefundState.FAILED && refund.connectorRefundId() != null) {
                found.add("the PSP has no refund " + refund.connectorRefundId()
                        + (d.connectorCode() != null ? " (" + d.connectorCode() + ")" : "") + ", the refund is "
                        + refund.status() + " with that PSP id");
            }
            return found.isEmpty() ? null : RECORDS + String.join("; ", found);
        }
        RefundStatus psp = statusOf(record);
        String reported = (record.connectorStatus() != null ? record.connectorStatus() + ", " : "") + psp;
        if (refund.awaitsOperator()) {
            found.add("status: the PSP reports " + reported + ", the refund waits in MANUAL_REVIEW for an operator ("
                    + refund.failure().message() + ")");
        } else if (refund.state().isFinal() && psp != refund.status() && !reversesSuccess(refund, record)) {
            found.add("status: the PSP reports " + reported + ", the refund is " + refund.status());
        }
        if (!(refund.state() == RefundState.FAILED && psp == RefundStatus.FAILED)) {
            // a refund that failed on both sides moved no money: what else the records say does not matter
            found.addAll(parts(refund, record));
        }
        return found.isEmpty() ? null : RECORDS + String.join("; ", found);
    }

    private static final String RECORDS = "the PSP's records contradict the refund; ";

    /** The status a PSP record stands for: settled either way, or not yet. */
    static RefundStatus statusOf(Outcome record) {
        if (record instanceof Outcome.Succeeded) {
            return RefundStatus.SUCCEEDED;
        }
        return record instanceof Outcome.Declined || record instanceof Outcome.NotFound
                ? RefundStatus.FAILED
                : RefundStatus.PENDING;
    }

    private static boolean reversesSuccess(Refund refund, Outcome record) {
        return refund.state() == RefundState.SUCCEEDED && record instanceof Outcome.Declined d && d.reversesSuccess();
    }

    private static List<String> parts(Refund refund, Outcome outcome) {
        Outcome.Reported reported = outcome.reported();
        List<String> found = new ArrayList<>();
        String currency = refund.amount().currency();
        if (reported.currency() != null && !reported.currency().equals(currency)) {
            found.add("currency: the PSP reported " + reported.currency() + ", the refund is in " + currency);
        } else if (reported.minorAmount() != null
                && reported.minorAmount()
                                .compareTo(BigDecimal.valueOf(refund.amount().minorAmount()))
                        != 0) {
            found.add("amount: the PSP reported "
                    + reported.minorAmount().stripTrailingZeros().toPlainString()
                    + ", the refund is "
                    + refund.amount().minorAmount() + " (" + currency + " minor units)");
        }
        if (!reported.paymentIds().isEmpty() && !reported.paymentIds().contains(refund.connectorTransactionId())) {
            found.add("payment: the PSP reported " + String.join(" / ", reported.paymentIds()) + ", the refund is of "
                    + refund.connectorTransactionId());
        }
        if (outcome.connectorRefundId() != null
                && refund.connectorRefundId() != null
                && !outcome.connectorRefundId().equals(refund.connectorRefundId())) {
            found.add("refund id: the PSP reported " + outcome.connectorRefundId() + ", the refund is "
                    + refund.connectorRefundId() + " at the PSP");
        }
        return found;
    }
}
