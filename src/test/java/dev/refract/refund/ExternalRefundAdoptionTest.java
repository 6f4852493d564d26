package dev.refract.refund;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What an adopted external refund is recorded as, and what the payment's ledger makes of it. */
class ExternalRefundAdoptionTest {

    static WebhookEvent event(Outcome outcome, String amount, String currency, String... paymentIds) {
        return new WebhookEvent(
                "evt_1",
                "refund.created",
                null,
                "re_1",
                outcome,
                "{}",
                new WebhookEvent.External(
                        Outcome.Reported.of(amount == null ? null : new BigDecimal(amount), currency, paymentIds),
                        Map.of("credyt_customer_id", "cust_1")));
    }

    static Outcome succeeded() {
        return new Outcome.Succeeded("re_1", "succeeded", Map.of());
    }

    @Test
    void aSucceededOneIsRecordedAsRefundedUnderItsOwnIdAndTheFirstPaymentNamed() {
        Refund.Applied a = ExternalRefund.adoption(
                "m_1",
                "stripe",
                event(succeeded(), "400", "usd", "pi_1", "ch_1"),
                Map.of("credyt_customer_id", "cust_1"),
                RefundApplyTest.POLICY,
                RefundApplyTest.NOW);
        Refund r = a.refund();
        assertEquals("external:stripe:re_1", r.merchantRefundId());
        assertEquals("pi_1", r.connectorTransactionId());
        assertEquals(Money.of(400, "USD"), r.amount());
        assertEquals(RefundState.SUCCEEDED, r.state());
        assertTrue(r.external());
        assertNull(r.nextActionAt(), "final: nothing for the janitor");
        assertEquals(Refund.pspReferenceFor("m_1", "external:stripe:re_1"), r.pspReference());
        assertEquals(new Refund.LedgerDelta(0, 400), a.ledger());
        assertEquals(
                new Refund.Event(
                        null,
                        RefundState.SUCCEEDED,
                        Cause.WEBHOOK,
                        "succeeded",
                        "adopted: refunded at stripe outside Refract (refund.created)"),
                a.event());
    }

    @Test
    void aPendingOneIsReservedAndFollowedAFailedOneMovesNothing() {
        Refund.Applied pending = ExternalRefund.adoption(
                "m_1",
                "stripe",
                event(new Outcome.Pending("re_1", "pending", Map.of()), "400", "USD", "pi_1"),
                Map.of(),
                RefundApplyTest.POLICY,
                RefundApplyTest.NOW);
        assertEquals(RefundState.PENDING, pending.refund().state());
        assertEquals(new Refund.LedgerDelta(400, 0), pending.ledger());
        assertEquals(
                RefundApplyTest.POLICY.nextAction(0, RefundApplyTest.NOW),
                pending.refund().nextActionAt());

        Refund.Applied failed = ExternalRefund.adoption(
                "m_1",
                "stripe",
                event(
                        Outcome.Declined.of(ErrorCode.REFUND_FAILED, "declined", "expired_or_canceled_card", null),
                        "400",
                        "USD",
                        "pi_1"),
                Map.of(),
                RefundApplyTest.POLICY,
                RefundApplyTest.NOW);
        assertEquals(RefundState.FAILED, failed.refund().state());
        assertEquals(ErrorCode.REFUND_FAILED, failed.refund().failure().code());
        assertEquals(new Refund.LedgerDelta(0, 0), failed.ledger());
    }

    @Test
    void anEventThatDescribesNoRecordableRefundIsNotAdopted() {
        assertNull(
                ExternalRefund.adoption(
                        "m",
                        "stripe",
                        event(succeeded(), "400.5", "USD", "pi_1"),
                        Map.of(),
                        RefundApplyTest.POLICY,
                        RefundApplyTest.NOW),
                "a fractional minor amount is no amount");
        assertNull(
                ExternalRefund.adoption(
                        "m",
                        "stripe",
                        event(succeeded(), null, "USD", "pi_1"),
                        Map.of(),
                        RefundApplyTest.POLICY,
                        RefundApplyTest.NOW),
                "no amount");
        assertNull(
                ExternalRefund.adoption(
                        "m",
                        "stripe",
                        event(succeeded(), "400", "XXQ", "pi_1"),
                        Map.of(),
                        RefundApplyTest.POLICY,
                        RefundApplyTest.NOW),
                "no known currency");
        assertNull(
                ExternalRefund.adoption(
                        "m",
                        "stripe",
                        event(succeeded(), "400", "USD"),
                        Map.of(),
                        RefundApplyTest.POLICY,
                        RefundApplyTest.NOW),
                "no payment");
        assertNull(
                ExternalRefund.adoption(
                        "m",
                        "stripe",
                        event(new Outcome.Unknown("?"), "400", "USD", "pi_1"),
                        Map.of(),
                        RefundApplyTest.POLICY,
                        RefundApplyTest.NOW),
                "no refund state");
        assertNull(
                ExternalRefund.adoption(
                        "m",
                        "stripe",
                        new WebhookEvent("evt", "refund.created", null, "re_1", succeeded(), "{}"),
                        Map.of(),
                        RefundApplyTest.POLICY,
                        RefundApplyTest.NOW),
                "not adoptable at all");
    }

    @Test
    void aPspRefundIdThatDoesNotFitTheAlphabetOrLengthIsDigested() {
        String id = ExternalRefund.merchantRefundIdFor("adyen", "x".repeat(80));
        assertEquals("external:adyen:" + HexFormat.of().formatHex(sha256("x".repeat(80)), 0, 16), id);
        assertTrue(CreateRefund.isMerchantRefundId(id));
        assertEquals(
                ExternalRefund.merchantRefundIdFor("stripe", "re/1 2"),
                ExternalRefund.merchantRefundIdFor("stripe", "re/1 2"),
                "the same PSP refund always gets the same id");
        assertEquals("external:stripe:re_1", ExternalRefund.merchantRefundIdFor("stripe", "re_1"));
    }

    @Test
    void theLedgerCountsAnExternalRefundAndRefusesOneThatContradictsIt() {
        PaymentLedger ledger = new PaymentLedger("USD", 1_000L, 100, 300);
        assertEquals(
                new PaymentLedger("USD", 1_000L, 100, 900),
                ledger.withExternal(Money.of(600, "USD"), RefundState.SUCCEEDED));
        assertEquals(
                new PaymentLedger("USD", 1_000L, 700, 300),
                ledger.withExternal(Money.of(600, "USD"), RefundState.PENDING));
        assertEquals(ledger, ledger.withExternal(Money.of(900, "USD"), RefundState.FAILED));
        RefundError.AmountExceedsRefundable past = assertThrows(
                RefundError.AmountExceedsRefundable.class,
                () -> ledger.withExternal(Money.of(601, "USD"), RefundState.SUCCEEDED));
        assertEquals("amount 601 USD exceeds refundable 600 USD", past.getMessage());
        assertThrows(
                RefundError.CurrencyMismatch.class,
                () -> ledger.withExternal(Money.of(1, "EUR"), RefundState.SUCCEEDED));
        assertEquals(
                new PaymentLedger("EUR", null, 0, 5_000),
                PaymentLedger.EMPTY.withExternal(Money.of(5_000, "EUR"), RefundState.SUCCEEDED),
                "no captured amount known: counted as it is");
    }

    static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
