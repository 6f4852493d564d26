package dev.refract.refund;

/**
 * One captured payment's refund totals, as locked for the length of a create. Pure: the store locks the row,
 * asks {@link #reserve} and writes back what it returns.
 *
 * @param currency      the payment's currency, null until something told us
 * @param capturedMinor the captured amount, null while unknown
 */
public record PaymentLedger(String currency, Long capturedMinor, long inFlightMinor, long refundedMinor) {

    public static final PaymentLedger EMPTY = new PaymentLedger(null, null, 0, 0);

    /** The refund's amount and the ledger with it reserved. */
    public record Reservation(Money amount, PaymentLedger ledger) {}

    public boolean capturedKnown() {
        return capturedMinor != null;
    }

    /**
     * Decides a new refund's amount against what remains refundable (captured − succeeded − in flight) and
     * reserves it.
     *
     * @param requested the merchant's amount, or null for "all that remains"
     * @param captured  what the merchant or the PSP says was captured, or null; used only while the ledger does
     *                  not know it yet
     */
    public Reservation reserve(Money requested, Money captured) {
        String paymentCurrency = currency != null ? currency : captured != null ? captured.currency() : null;
        if (captured != null && paymentCurrency != null && !captured.currency().equals(paymentCurrency)) {
            throw new RefundError.CurrencyMismatch(captured.currency(), paymentCurrency);
        }
        Long capturedTotal = capturedMinor != null ? capturedMinor : captured != null ? captured.minorAmount() : null;
        if (requested != null
                && paymentCurrency != null
                && !requested.currency().equals(paymentCurrency)) {
            throw new RefundError.CurrencyMismatch(requested.currency(), paymentCurrency);
        }
        if (paymentCurrency == null) {
            paymentCurrency = requested != null ? requested.currency() : null;
        }
        Money amount;
        if (capturedTotal == null) {
            if (requested == null) {
                throw new RefundError.InvalidRequest(
                        ErrorCode.INVALID_AMOUNT,
                        "amount",
                        "amount is required: the captured amount of this payment is not known (send amount, "
                                + "or payment_amount for a full refund)");
            }
            amount = requested;
        } else {
            Money remaining = Money.of(Math.max(0, capturedTotal - refundedMinor - inFlightMinor), paymentCurrency);
            amount = requested != null ? requested : remaining;
            if (amount.minorAmount() == 0 || amount.minorAmount() > remaining.minorAmount()) {
                throw new RefundError.AmountExceedsRefundable(amount, remaining);
            }
        }
        PaymentLedger updated = new PaymentLedger(
                paymentCurrency, capturedTotal, Math.addExact(inFlightMinor, amount.minorAmount()), refundedMinor);
        return new Reservation(amount, updated);
    }

    /**
     * The ledger with a refund made outside Refract counted in: reserved while the PSP has it pending, refunded once
     * it succeeded, nothing for one that failed. It is a fact at the PSP, not a request, so its amount is not ours
     * to decide; but when it would pass the captured amount Refract was told, or is in another currency, the books
     * disagree and that is refused for an operator to look at rather than written.
     */
    public PaymentLedger withExternal(Money amount, RefundState state) {
        if (currency != null && !currency.equals(amount.currency())) {
            throw new RefundError.CurrencyMismatch(amount.currency(), currency);
        }
        if (state == RefundState.FAILED) {
            return new PaymentLedger(amount.currency(), capturedMinor, inFlightMinor, refundedMinor);
        }
        long remaining = capturedMinor == null ? Long.MAX_VALUE : capturedMinor - refundedMinor - inFlightMinor;
        if (amount.minorAmount() > remaining) {
            throw new RefundError.AmountExceedsRefundable(amount, Money.of(Math.max(0, remaining), amount.currency()));
        }
        return state == RefundState.SUCCEEDED
                ? new PaymentLedger(
                        amount.currency(),
                        capturedMinor,
                        inFlightMinor,
                        Math.addExact(refundedMinor, amount.minorAmount()))
                : new PaymentLedger(
                        amount.currency(),
                        capturedMinor,
                        Math.addExact(inFlightMinor, amount.minorAmount()),
                        refundedMinor);
    }
}
