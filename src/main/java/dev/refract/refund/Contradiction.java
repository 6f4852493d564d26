package dev.refract.refund;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Whether a PSP's answer contradicts the refund it answers for: another amount, currency, payment, PSP refund id,
 * merchant reference or PSP account. Such an answer is never taken as the refund's outcome, whatever its status
 * says (a success, a pending refund, a failure): the PSP did something, but not what was asked, or answered about
 * another refund. So the refund goes to MANUAL_REVIEW with the amount still reserved, until an operator has looked at
 * the PSP's books.
 *
 * <p>A refund's PSP id is the one the PSP gave first, or, where Refract chose it (Marqeta's refund token is the
 * refund's PSP reference), that one from the very first answer. What Refract sent and the PSP echoes (the
 * merchant_refund_id, the PSP reference) is checked only on Refract's own refunds: an external refund's are
 * Refract's invention, which the PSP never saw.
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
        boolean otherReference = otherPspReference(refund, reported);
        if (otherReference) {
            found.add("refund id: the PSP reported " + reported.pspReference() + ", Refract gave this refund "
                    + refund.pspReference());
        }
        if (otherRefundId(refund, outcome)
                && !(otherReference && outcome.connectorRefundId().equals(reported.pspReference()))) {
            found.add("refund id: the PSP reported " + outcome.connectorRefundId() + ", the refund is "
                    + refund.connectorRefundId() + " at the PSP");
        }
        if (otherMerchantRefundId(refund, reported)) {
            found.add("merchant_refund_id: the PSP reported " + reported.merchantRefundId() + ", the refund is "
                    + refund.merchantRefundId());
        }
        Outcome.Account account = reported.account();
        if (account != null && account.asked() != null && !account.asked().equals(account.named())) {
            found.add("account: the PSP reported " + account.named() + ", the refund was sent to " + account.asked());
        }
        return found;
    }

    /**
     * Whether the answer's own ids say it is about another refund than this one: another PSP id than the one the
     * refund has, or another reference than Refract sent. Such an answer's id must never become the refund's.
     */
    public static boolean namesAnotherRefund(Refund refund, Outcome outcome) {
        Outcome.Reported reported = outcome.reported();
        return otherRefundId(refund, outcome)
                || otherPspReference(refund, reported)
                || otherMerchantRefundId(refund, reported);
    }

    private static boolean otherRefundId(Refund refund, Outcome outcome) {
        return outcome.connectorRefundId() != null
                && refund.connectorRefundId() != null
                && !outcome.connectorRefundId().equals(refund.connectorRefundId());
    }

    private static boolean otherPspReference(Refund refund, Outcome.Reported reported) {
        return !refund.external()
                && reported.pspReference() != null
                && !Objects.equals(reported.pspReference(), refund.pspReference());
    }

    private static boolean otherMerchantRefundId(Refund refund, Outcome.Reported reported) {
        return !refund.external()
                && reported.merchantRefundId() != null
                && !reported.merchantRefundId().equals(refund.merchantRefundId());
    }
}
