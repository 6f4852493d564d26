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
        return found.isEmpty() ? null : "the PSP's answer contradicts the refund; " + String.join("; ", found);
    }
}
