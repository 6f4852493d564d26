package dev.refract.refund;

import static dev.refract.refund.RefundApplyTest.NOW;
import static dev.refract.refund.RefundApplyTest.POLICY;
import static dev.refract.refund.RefundApplyTest.refund;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A PSP answer that contradicts the refund is never success; the reservation stays until an operator settles it. */
class ContradictionTest {

    private static final Actor OPERATOR = new Actor.Operator("f3a1c9e2-subject", "Ada Lovelace");

    private static Outcome.Succeeded succeeded(String amount, String currency, String... payments) {
        return new Outcome.Succeeded(
                "re_1",
                "succeeded",
                Map.of(),
                new Outcome.Reported(amount == null ? null : new BigDecimal(amount), currency, List.of(payments)));
    }

    @Test
    void anAgreeingAnswerContradictsNothing() {
        assertNull(Contradiction.of(refund(RefundState.PENDING, 1), succeeded("400", "USD", "sbx_1000_USD")));
        assertNull(Contradiction.of(refund(RefundState.PENDING, 1), succeeded("400.00", "usd")));
        assertNull(
                Contradiction.of(refund(RefundState.PENDING, 1), succeeded(null, null)), "an answer that says nothing");
        assertNull(
                Contradiction.of(refund(RefundState.PENDING, 1), succeeded("400", "USD", "ch_x", "sbx_1000_USD")),
                "the refund's payment is one of those named");
    }

    @Test
    void eachContradictionNamesBothValues() {
        Refund r = refund(RefundState.PENDING, 1);
        assertEquals(
                "the PSP's answer contradicts the refund; amount: the PSP reported 399.5, the refund is 400 "
                        + "(USD minor units)",
                Contradiction.of(r, succeeded("399.50", "USD")));
        assertEquals(
                "the PSP's answer contradicts the refund; currency: the PSP reported EUR, the refund is in USD",
                Contradiction.of(r, succeeded("400", "eur")));
        assertEquals(
                "the PSP's answer contradicts the refund; payment: the PSP reported ch_a / pi_b, the refund is of "
                        + "sbx_1000_USD",
                Contradiction.of(r, succeeded("400", "USD", "ch_a", "pi_b")));
        Refund known = new Refund(
                1,
                "m",
                "r1",
                "sandbox",
                "sbx_1000_USD",
                "re_0",
                RefundState.PENDING,
                null,
                Money.of(400, "USD"),
                null,
                Map.of(),
                Map.of(),
                Map.of(),
                null,
                "fp",
                "rf_x",
                1,
                NOW,
                3,
                NOW,
                NOW,
                false);
        assertEquals(
                "the PSP's answer contradicts the refund; refund id: the PSP reported re_1, the refund is re_0 "
                        + "at the PSP",
                Contradiction.of(known, succeeded("400", "USD")));
    }

    @Test
    void aContradictedPendingRefundGoesToManualReviewWithItsReservationKept() {
        Refund.Applied a = refund(RefundState.PENDING, 1).apply(succeeded("300", "USD"), Cause.PSP, false, POLICY, NOW);
        assertEquals(RefundState.MANUAL_REVIEW, a.refund().state());
        assertEquals(ErrorCode.CONNECTOR_MISMATCH, a.refund().failure().code());
        assertEquals(Refund.LedgerDelta.NONE, a.ledger());
        assertNull(a.refund().nextActionAt(), "nothing more for the janitor to do");
        assertEquals(RefundState.MANUAL_REVIEW, a.event().to());
    }

    @Test
    void aContradictedSucceededRefundIsReservedAgain() {
        Refund.Applied a =
                refund(RefundState.SUCCEEDED, 1).apply(succeeded("300", "USD"), Cause.PSP, false, POLICY, NOW);
        assertEquals(RefundState.MANUAL_REVIEW, a.refund().state());
        assertEquals(new Refund.LedgerDelta(400, -400), a.ledger());
    }

    @Test
    void aContradictedRefundIsNotSettledByALaterAnswer() {
        Refund contradicted = refund(RefundState.PENDING, 1)
                .apply(succeeded("300", "USD"), Cause.PSP, false, POLICY, NOW)
                .refund();
        Refund.Applied later = contradicted.apply(succeeded("400", "USD"), Cause.PSP, false, POLICY, NOW);
        assertEquals(RefundState.MANUAL_REVIEW, later.refund().state());
        assertNull(later.event());
        assertEquals(Refund.LedgerDelta.NONE, later.ledger());
    }

    @Test
    void aFailedRefundIsNotReopenedByAContradiction() {
        Refund.Applied a = refund(RefundState.FAILED, 1).apply(succeeded("300", "USD"), Cause.PSP, false, POLICY, NOW);
        assertEquals(RefundState.FAILED, a.refund().state());
        assertNull(a.event());
    }

    @Test
    void theOperatorRecordsWhatThePspRefundedAndTheLedgerFollows() {
        Refund contradicted = refund(RefundState.PENDING, 1)
                .apply(succeeded("300", "USD"), Cause.PSP, false, POLICY, NOW)
                .refund();
        Refund.Applied resolved = contradicted.resolve(RefundState.SUCCEEDED, "checked", 300L, OPERATOR, NOW);
        assertEquals(RefundState.SUCCEEDED, resolved.refund().state());
        assertEquals(Money.of(300, "USD"), resolved.refund().amount());
        assertEquals(new Refund.LedgerDelta(-400, 300), resolved.ledger());
        assertNull(resolved.refund().failure());
        assertEquals(
                "operator: the PSP refunded 300 of the 400 asked (USD minor units): checked",
                resolved.event().detail());
        assertEquals(OPERATOR, resolved.event().actor(), "the event names who decided");
        assertEquals(Cause.OPERATOR, resolved.event().cause());
        assertEquals(
                new Refund.LedgerDelta(-400, 400),
                contradicted
                        .resolve(RefundState.SUCCEEDED, "as asked", null, OPERATOR, NOW)
                        .ledger());
        assertThrows(
                RefundError.NotResolvable.class,
                () -> contradicted.resolve(RefundState.SUCCEEDED, "x", 401L, OPERATOR, NOW));
        assertThrows(
                RefundError.NotResolvable.class,
                () -> contradicted.resolve(RefundState.FAILED, "x", 300L, OPERATOR, NOW));
    }

    private static Outcome.Declined failedFor(boolean reversesSuccess, Outcome.Reported reported) {
        return new Outcome.Declined(
                ErrorCode.REFUND_RETURNED,
                "the refunded money came back",
                "RETURNED",
                null,
                null,
                "RETURNED",
                reversesSuccess,
                Map.of(),
                reported);
    }

    @Test
    void whatThePspEchoesOfTheRequestMustBeWhatRefractSent() {
        Refund r = refund(RefundState.PENDING, 1);
        Outcome.Reported agreeing = Outcome.Reported.of(new BigDecimal("400"), "USD", "sbx_1000_USD");
        assertNull(Contradiction.of(
                r,
                new Outcome.Succeeded(
                        "rf_x",
                        "COMPLETED",
                        Map.of(),
                        agreeing.echoing("r1").under("rf_x").forAccount("AcmeECOM", "AcmeECOM"))));
        assertEquals(
                "the PSP's answer contradicts the refund; merchant_refund_id: the PSP reported r2, the refund is r1",
                Contradiction.of(r, new Outcome.Pending("re_1", "pending", Map.of(), agreeing.echoing("r2"))));
        assertEquals(
                "the PSP's answer contradicts the refund; refund id: the PSP reported rf_y, Refract gave this refund "
                        + "rf_x",
                Contradiction.of(r, new Outcome.Succeeded("rf_y", "COMPLETED", Map.of(), agreeing.under("rf_y"))));
        assertEquals(
                "the PSP's answer contradicts the refund; account: the PSP reported AcmePOS, the refund was sent to "
                        + "AcmeECOM",
                Contradiction.of(
                        r,
                        new Outcome.Pending("P1", "received", Map.of(), agreeing.forAccount("AcmeECOM", "AcmePOS"))));
        Refund external = new Refund(
                1,
                "m",
                "external:adyen:P1",
                "adyen",
                "sbx_1000_USD",
                "P1",
                RefundState.PENDING,
                null,
                Money.of(400, "USD"),
                null,
                Map.of(),
                Map.of(),
                Map.of(),
                null,
                "external",
                "rf_e",
                0,
                NOW,
                3,
                NOW,
                NOW,
                true);
        assertNull(
                Contradiction.of(
                        external, new Outcome.Succeeded("P1", "REFUND", Map.of(), agreeing.echoing("ORDER-7"))),
                "an external refund's merchant_refund_id is Refract's own invention, which the PSP never saw");
    }

    @Test
    void anAnswerUnderAnotherTokenIsAnotherRefundsAndItsIdIsNeverRecorded() {
        Outcome.Succeeded other = new Outcome.Succeeded(
                "rf_y",
                "COMPLETED",
                Map.of(),
                Outcome.Reported.of(new BigDecimal("400"), "USD").under("rf_y"));
        Refund.Applied a = refund(RefundState.RECEIVED, 0).apply(other, Cause.PSP, true, POLICY, NOW);
        assertEquals(RefundState.MANUAL_REVIEW, a.refund().state());
        assertNull(a.refund().connectorRefundId(), "the other refund's token is not this refund's id");
        assertEquals(Refund.LedgerDelta.NONE, a.ledger());
        assertNull(a.owed().wallet());
    }

    @Test
    void aPendingAnswerThatContradictsIsCaught() {
        Refund.Applied a = refund(RefundState.RECEIVED, 0)
                .apply(
                        new Outcome.Pending(
                                "re_1", "pending", Map.of(), Outcome.Reported.of(new BigDecimal("300"), "USD")),
                        Cause.PSP,
                        true,
                        POLICY,
                        NOW);
        assertEquals(RefundState.MANUAL_REVIEW, a.refund().state());
        assertEquals(ErrorCode.CONNECTOR_MISMATCH, a.refund().failure().code());
        assertEquals(Refund.LedgerDelta.NONE, a.ledger());
    }

    /**
     * A failure that describes another refund (another amount, payment, id) says nothing of this one, which may
     * exist at the PSP and succeed: failing it would release an amount the PSP may have refunded. It goes to review
     * with the amount reserved, like any answer that contradicts it; a reversal of a succeeded refund is reserved
     * again, and the wallet keeps its adjustment until an operator decides.
     */
    @Test
    void aFailureOrReversalThatDescribesAnotherRefundSettlesNothing() {
        Outcome.Reported otherAmount = Outcome.Reported.of(new BigDecimal("300"), "USD");
        Refund.Applied failed =
                refund(RefundState.PENDING, 1).apply(failedFor(false, otherAmount), Cause.SYNC, true, POLICY, NOW);
        assertEquals(RefundState.MANUAL_REVIEW, failed.refund().state());
        assertEquals(ErrorCode.CONNECTOR_MISMATCH, failed.refund().failure().code());
        assertEquals(
                "the PSP's answer contradicts the refund; amount: the PSP reported 300, the refund is 400 (USD minor"
                        + " units)",
                failed.refund().failure().message());
        assertEquals(Refund.LedgerDelta.NONE, failed.ledger());
        assertEquals("refund.manual_review", failed.owed().notificationType());

        Refund succeeded = refund(RefundState.SUCCEEDED, 1);
        Refund.Applied reversed = succeeded.apply(
                failedFor(true, Outcome.Reported.of(new BigDecimal("400"), "USD", "sbx_other")),
                Cause.WEBHOOK,
                false,
                POLICY,
                NOW);
        assertEquals(RefundState.MANUAL_REVIEW, reversed.refund().state());
        assertEquals(new Refund.LedgerDelta(400, -400), reversed.ledger(), "reserved again, not released");
        assertNull(reversed.owed().wallet(), "no reversal of the wallet for a failure of another refund");

        Refund.Applied agreeing = succeeded.apply(
                failedFor(true, Outcome.Reported.of(new BigDecimal("400"), "USD", "sbx_1000_USD")),
                Cause.WEBHOOK,
                false,
                POLICY,
                NOW);
        assertEquals(RefundState.FAILED, agreeing.refund().state(), "a reversal of this refund still fails it");
        assertEquals(new Refund.LedgerDelta(0, -400), agreeing.ledger());
    }
}
