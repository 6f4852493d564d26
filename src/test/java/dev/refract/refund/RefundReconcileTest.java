package dev.refract.refund;

import static dev.refract.refund.RefundApplyTest.NOW;
import static dev.refract.refund.RefundApplyTest.POLICY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The PSP's record of a refund, read by reconciliation, against the refund: the table of what agrees (and is applied
 * as any answer is), what contradicts it (MANUAL_REVIEW with connector_mismatch, the amount reserved, unless an
 * operator has decided), and what each kind of record is called in the run. Plain JUnit, no Quarkus.
 */
class RefundReconcileTest {

    static Refund refund(RefundState state) {
        return new Refund(
                1,
                "m",
                "r1",
                "stripe",
                "pi_1",
                "re_1",
                state,
                null,
                Money.of(400, "USD"),
                null,
                Map.of(),
                Map.of(),
                Map.of(),
                state == RefundState.FAILED
                        ? RefundFailure.of(
                                Outcome.Declined.of(ErrorCode.REFUND_FAILED, "declined", "card_declined", "no"))
                        : null,
                "fp",
                "rf_x",
                1,
                null,
                3,
                NOW,
                NOW,
                false);
    }

    static Outcome.Reported reported(long amount) {
        return new Outcome.Reported(BigDecimal.valueOf(amount), "USD", List.of("pi_1"));
    }

    static Outcome succeeded(long amount) {
        return new Outcome.Succeeded("re_1", "succeeded", Map.of(), reported(amount));
    }

    static Outcome pending() {
        return new Outcome.Pending("re_1", "pending", Map.of(), reported(400));
    }

    static Outcome failedAfterSuccess() {
        return new Outcome.Declined(
                ErrorCode.REFUND_FAILED, "failed", "failed", null, "re_1", "failed", true, Map.of());
    }

    static Outcome canceled() {
        return new Outcome.Declined(
                ErrorCode.REFUND_CANCELLED, "canceled", null, null, "re_1", "canceled", false, Map.of());
    }

    @Test
    void aRecordThatAgreesIsAppliedAndCalledMatched() {
        Refund pending = refund(RefundState.PENDING);
        Refund.Applied settled = pending.reconcile(succeeded(400), false, POLICY, NOW);
        assertEquals(RefundState.SUCCEEDED, settled.refund().state(), "Refract was behind: the record settles it");
        assertEquals(Cause.RECONCILIATION, settled.event().cause());
        assertEquals(new Refund.LedgerDelta(-400, 400), settled.ledger());

        Refund succeeded = refund(RefundState.SUCCEEDED);
        Refund.Applied same = succeeded.reconcile(succeeded(400), false, POLICY, NOW);
        assertNull(same.event(), "nothing changes twice");
        assertTrue(same.ledger().isZero());

        assertNull(Contradiction.ofRecord(pending, pending()), "neither side settled: nothing contradicts");
        assertNull(Contradiction.ofRecord(refund(RefundState.FAILED), canceled()), "failed on both sides");
        // a success the PSP reports failed after all is applied, as a sync applies it: the money came back
        Refund.Applied reversed = succeeded.reconcile(failedAfterSuccess(), false, POLICY, NOW);
        assertEquals(RefundState.FAILED, reversed.refund().state());
        assertEquals(new Refund.LedgerDelta(0, -400), reversed.ledger());
    }

    @Test
    void aContradictingRecordPutsTheRefundInManualReviewWithItsAmountReserved() {
        Refund succeeded = refund(RefundState.SUCCEEDED);
        Refund.Applied otherAmount = succeeded.reconcile(succeeded(390), false, POLICY, NOW);
        assertEquals(RefundState.MANUAL_REVIEW, otherAmount.refund().state());
        assertEquals(
                ErrorCode.CONNECTOR_MISMATCH, otherAmount.refund().failure().code());
        assertEquals(
                "the PSP's records contradict the refund; amount: the PSP reported 390, the refund is 400 (USD minor"
                        + " units)",
                otherAmount.refund().failure().message());
        assertEquals(new Refund.LedgerDelta(400, -400), otherAmount.ledger(), "counted as refunded, reserved again");
        assertTrue(otherAmount.refund().awaitsOperator());

        Refund.Applied notSettled = succeeded.reconcile(pending(), false, POLICY, NOW);
        assertEquals(RefundState.MANUAL_REVIEW, notSettled.refund().state());
        assertEquals(
                "the PSP's records contradict the refund; status: the PSP reports pending, PENDING, the refund is "
                        + "SUCCEEDED",
                notSettled.refund().failure().message());

        Refund failed = refund(RefundState.FAILED);
        Refund.Applied refundedAfterAll = failed.reconcile(succeeded(400), false, POLICY, NOW);
        assertEquals(RefundState.MANUAL_REVIEW, refundedAfterAll.refund().state());
        assertEquals(new Refund.LedgerDelta(400, 0), refundedAfterAll.ledger(), "released as failed, reserved again");

        Refund.Applied canceledAfterSuccess = succeeded.reconcile(canceled(), false, POLICY, NOW);
        assertEquals(RefundState.MANUAL_REVIEW, canceledAfterSuccess.refund().state());
    }

    @Test
    void anOperatorsDecisionStandsAndAWaitingRefundWaits() {
        Refund resolved = refund(RefundState.SUCCEEDED);
        Refund.Applied kept = resolved.reconcile(succeeded(390), true, POLICY, NOW);
        assertNull(kept.event());
        assertEquals(RefundState.SUCCEEDED, kept.refund().state());
        assertTrue(kept.ledger().isZero());

        Refund waiting = refund(RefundState.SUCCEEDED)
                .reconcile(succeeded(390), false, POLICY, NOW)
                .refund();
        Refund.Applied again = waiting.reconcile(succeeded(390), false, POLICY, NOW);
        assertNull(again.event(), "a rerun changes nothing twice");
        assertTrue(again.ledger().isZero());
        assertTrue(
                Contradiction.ofRecord(waiting, succeeded(400)).contains("waits in MANUAL_REVIEW for an operator"),
                "even a record that agrees now is reported until the operator decides");
    }

    @Test
    void eachRecordIsCalledWhatItIsWithBothSidesNamed() {
        PspRefund agreeing = new PspRefund("re_1", "r1", null, succeeded(400), null, NOW);
        assertEquals(
                ReconciliationRun.Kind.MATCHED,
                ReconciliationVerdicts.of("stripe", agreeing, refund(RefundState.SUCCEEDED), false)
                        .kind());

        PspRefund other = new PspRefund("re_1", "r1", null, succeeded(390), null, NOW);
        ReconciliationRun.Item mismatched =
                ReconciliationVerdicts.of("stripe", other, refund(RefundState.SUCCEEDED), true);
        assertEquals(ReconciliationRun.Kind.MISMATCHED, mismatched.kind());
        assertTrue(
                mismatched.detail().contains("Refract: refund r1 (PSP refund re_1), SUCCEEDED, 400 USD minor units"),
                mismatched.detail());
        assertTrue(
                mismatched.detail().contains("stripe: refund re_1, succeeded (SUCCEEDED), 390 USD minor units"),
                mismatched.detail());
        assertTrue(mismatched.detail().endsWith("so it stays as they left it"), mismatched.detail());

        PspRefund dashboard = new PspRefund(
                "re_9", null, null, succeeded(700), new WebhookEvent.External(reported(700), Map.of()), NOW);
        ReconciliationRun.Item adopted = ReconciliationVerdicts.of("stripe", dashboard, null, false);
        assertEquals(ReconciliationRun.Kind.ADOPTED, adopted.kind());
        assertEquals("external:stripe:re_9", adopted.merchantRefundId());

        PspRefund claimsToBeOurs = new PspRefund("re_8", "r_lost", null, succeeded(700), null, NOW);
        ReconciliationRun.Item notAdopted = ReconciliationVerdicts.of("stripe", claimsToBeOurs, null, false);
        assertEquals(ReconciliationRun.Kind.MISMATCHED, notAdopted.kind());
        assertTrue(notAdopted.detail().contains("names merchant_refund_id r_lost"), notAdopted.detail());

        PspRefund failedOutside = new PspRefund(
                "re_7", null, null, canceled(), new WebhookEvent.External(Outcome.Reported.NOTHING, Map.of()), NOW);
        assertNull(ReconciliationVerdicts.of("stripe", failedOutside, null, false), "moved no money: nothing to do");

        PspRefund disowned =
                new PspRefund("re_1", null, null, new Outcome.Disowned("resource_missing", "gone"), null, null);
        assertEquals(
                ReconciliationRun.Kind.MISSING_AT_PSP,
                ReconciliationVerdicts.of("exodus", disowned, refund(RefundState.SUCCEEDED), false)
                        .kind());
        assertEquals(
                ReconciliationRun.Kind.MISMATCHED,
                ReconciliationVerdicts.of("exodus", disowned, refund(RefundState.PENDING), false)
                        .kind());
    }
}
