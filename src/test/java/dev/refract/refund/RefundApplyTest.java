package dev.refract.refund;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How applying an outcome moves the refund, its schedule and the payment's ledger. */
class RefundApplyTest {

    static final Instant NOW = Instant.parse("2026-01-20T15:30:00Z");
    static final RetryPolicy POLICY =
            new RetryPolicy(Duration.ofSeconds(5), Duration.ofHours(1), 10, Duration.ofSeconds(60), () -> 1.0);

    static Refund refund(RefundState state, int attempts) {
        return new Refund(
                1,
                "m",
                "r1",
                "sandbox",
                "sbx_1000_USD",
                null,
                state,
                null,
                Money.of(400, "USD"),
                null,
                Map.of(),
                Map.of(),
                Map.of(),
                null,
                "fp",
                "rf_x",
                attempts,
                NOW,
                3,
                NOW,
                NOW,
                false);
    }

    @Test
    void aPspThatDisownsARefundItNamedIsAContradictionWithTheAmountReserved() {
        Refund named = refund(RefundState.RECEIVED, 0)
                .apply(new Outcome.Pending("re_1", "pending", Map.of()), Cause.PSP, true, POLICY, NOW)
                .refund();
        Refund.Applied a = named.apply(
                new Outcome.Disowned("resource_missing", "No such refund: 're_1'"), Cause.JANITOR, true, POLICY, NOW);
        assertEquals(RefundState.MANUAL_REVIEW, a.refund().state());
        assertEquals(ErrorCode.CONNECTOR_MISMATCH, a.refund().failure().code());
        assertEquals(
                "the PSP's answer contradicts the refund; the PSP has no refund re_1 (resource_missing), the id it gave"
                        + " for this refund",
                a.refund().failure().message());
        assertEquals(Refund.LedgerDelta.NONE, a.ledger(), "still reserved, neither released nor refunded");
        assertEquals("re_1", a.refund().connectorRefundId());
        assertEquals(2, a.refund().attempts());
    }

    @Test
    void aPspThatDisownsARefundItNeverNamedTeachesNothing() {
        Refund.Applied a = refund(RefundState.UNKNOWN, 3)
                .apply(new Outcome.Disowned("404001", "Refund not found"), Cause.JANITOR, true, POLICY, NOW);
        assertEquals(RefundState.UNKNOWN, a.refund().state());
        assertNull(a.refund().failure());
        assertEquals(Refund.LedgerDelta.NONE, a.ledger());
        assertEquals(4, a.refund().attempts(), "counted toward MANUAL_REVIEW");
        assertNotNull(a.refund().nextActionAt());
    }

    @Test
    void successMovesTheReservationToRefunded() {
        Refund.Applied a = refund(RefundState.RECEIVED, 0)
                .apply(new Outcome.Succeeded("re_1", "succeeded", Map.of()), Cause.PSP, true, POLICY, NOW);
        assertEquals(RefundState.SUCCEEDED, a.refund().state());
        assertEquals(new Refund.LedgerDelta(-400, 400), a.ledger());
        assertEquals("re_1", a.refund().connectorRefundId());
        assertEquals(1, a.refund().attempts());
        assertNull(a.refund().nextActionAt(), "final refunds are not scheduled");
        assertTrue(a.statusChanged());
    }

    @Test
    void declineReleasesTheReservationAndKeepsThePspsWords() {
        Refund.Applied a = refund(RefundState.UNKNOWN, 2)
                .apply(
                        Outcome.Declined.of(
                                ErrorCode.REFUND_FAILED, "nope", "charge_disputed", "The charge is disputed"),
                        Cause.JANITOR,
                        true,
                        POLICY,
                        NOW);
        assertEquals(RefundState.FAILED, a.refund().state());
        assertEquals(new Refund.LedgerDelta(-400, 0), a.ledger());
        assertEquals("charge_disputed", a.refund().failure().connectorCode());
        assertEquals("The charge is disputed", a.refund().failure().connectorMessage());
    }

    @Test
    void failureAfterSuccessGivesTheRefundedAmountBack() {
        Outcome returned = new Outcome.Declined(
                ErrorCode.REFUND_RETURNED, "returned", "RETURNED", null, null, "RETURNED", true, Map.of());
        Refund.Applied a = refund(RefundState.SUCCEEDED, 1).apply(returned, Cause.SYNC, false, POLICY, NOW);
        assertEquals(RefundState.FAILED, a.refund().state());
        assertEquals(new Refund.LedgerDelta(0, -400), a.ledger());
    }

    @Test
    void unknownOutcomeSchedulesAResendWithBackoff() {
        Refund.Applied a =
                refund(RefundState.RECEIVED, 0).apply(new Outcome.Unknown("timeout"), Cause.PSP, true, POLICY, NOW);
        assertEquals(RefundState.UNKNOWN, a.refund().state());
        assertEquals(RefundStatus.PENDING, a.refund().status());
        assertEquals(NOW.plusSeconds(5), a.refund().nextActionAt());
        assertTrue(a.ledger().isZero(), "the amount stays reserved while the outcome is unknown");
        assertNotNull(a.event());
    }

    @Test
    void ignoredOutcomeStillCountsTheAttemptAndReschedules() {
        Refund.Applied a =
                refund(RefundState.UNKNOWN, 3).apply(new Outcome.NotSent("refused"), Cause.JANITOR, true, POLICY, NOW);
        assertEquals(RefundState.UNKNOWN, a.refund().state());
        assertEquals(4, a.refund().attempts());
        assertEquals(NOW.plusSeconds(40), a.refund().nextActionAt());
        assertNull(a.event(), "nothing changed that the event log should show");
    }

    @Test
    void exhaustionKeepsTheReservationForTheOperator() {
        Refund.Applied a = refund(RefundState.UNKNOWN, 10).exhaust(Cause.JANITOR, NOW);
        assertEquals(RefundState.MANUAL_REVIEW, a.refund().state());
        assertEquals(ErrorCode.OUTCOME_UNKNOWN, a.refund().failure().code());
        assertTrue(a.ledger().isZero());
        assertNull(a.refund().nextActionAt());
    }

    @Test
    void pspReferenceIsStableAndFitsTheShortestPspLimit() {
        String ref = Refund.pspReferenceFor("m_acme", "refund_001");
        assertEquals(ref, Refund.pspReferenceFor("m_acme", "refund_001"));
        assertTrue(ref.length() <= 36, ref);
        assertTrue(!ref.equals(Refund.pspReferenceFor("m_other", "refund_001")));
    }

    @Test
    void backoffDoublesUpToItsCapWithJitterInTheUpperHalf() {
        RetryPolicy low = new RetryPolicy(Duration.ofSeconds(5), Duration.ofSeconds(60), 10, Duration.ZERO, () -> 0.0);
        assertEquals(Duration.ofMillis(2500), low.delay(1));
        assertEquals(Duration.ofSeconds(5), POLICY.delay(1));
        assertEquals(Duration.ofSeconds(10), POLICY.delay(2));
        assertEquals(Duration.ofSeconds(80), POLICY.delay(5));
        assertEquals(Duration.ofHours(1), POLICY.delay(30));
        assertEquals(Duration.ofHours(1), POLICY.delay(1000));
    }
}
