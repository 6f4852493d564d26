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
        return found.isEmpty() ? null : "the PSP's answer contradicts the refund; " + String.join("; ", found);
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
