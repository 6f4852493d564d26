package dev.refract.refund;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PaymentLedgerTest {

    @Test
    void omittedAmountReservesExactlyTheRemainder() {
        PaymentLedger ledger = new PaymentLedger("USD", 10_000L, 2_000L, 3_000L);
        PaymentLedger.Reservation r = ledger.reserve(null, null);
        assertEquals(Money.of(5_000, "USD"), r.amount());
        assertEquals(new PaymentLedger("USD", 10_000L, 7_000L, 3_000L), r.ledger());
    }

    @Test
    void firstRefundLearnsCapturedAmountAndCurrency() {
        PaymentLedger.Reservation r = PaymentLedger.EMPTY.reserve(Money.of(500, "JPY"), Money.of(1_000, "JPY"));
        assertEquals(new PaymentLedger("JPY", 1_000L, 500L, 0L), r.ledger());
    }

    @Test
    void refusesMoreThanRemains() {
        PaymentLedger ledger = new PaymentLedger("USD", 10_000L, 6_000L, 0L);
        RefundError e = assertThrows(
                RefundError.AmountExceedsRefundable.class, () -> ledger.reserve(Money.of(6_000, "USD"), null));
        assertEquals("amount 6000 USD exceeds refundable 4000 USD", e.getMessage());
        assertEquals("amount", e.param());
    }

    @Test
    void refusesWhenNothingRemains() {
        PaymentLedger ledger = new PaymentLedger("USD", 10_000L, 0L, 10_000L);
        assertThrows(RefundError.AmountExceedsRefundable.class, () -> ledger.reserve(null, null));
        assertThrows(RefundError.AmountExceedsRefundable.class, () -> ledger.reserve(Money.of(1, "USD"), null));
    }

    @Test
    void refusesAnotherCurrency() {
        PaymentLedger ledger = new PaymentLedger("USD", 10_000L, 0L, 0L);
        assertThrows(RefundError.CurrencyMismatch.class, () -> ledger.reserve(Money.of(100, "EUR"), null));
        assertThrows(
                RefundError.CurrencyMismatch.class,
                () -> PaymentLedger.EMPTY.reserve(Money.of(100, "EUR"), Money.of(1_000, "USD")));
    }

    @Test
    void unknownCapturedAmountNeedsAnExplicitAmount() {
        assertThrows(RefundError.InvalidRequest.class, () -> PaymentLedger.EMPTY.reserve(null, null));
        PaymentLedger.Reservation r = PaymentLedger.EMPTY.reserve(Money.of(700, "EUR"), null);
        assertEquals(new PaymentLedger("EUR", null, 700L, 0L), r.ledger());
    }
}
