package dev.refract.connector.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.refract.refund.Money;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The simulated PSP's books stay within their bound however many refunds pass, and still keep their promises. */
class SandboxPspBoundTest {

    private static final int MAX_REFUNDS = 1_000;
    private static final int MAX_PAYMENTS = 500;
    private static final int BOUND = 2 * MAX_REFUNDS + MAX_PAYMENTS;
    private static final SandboxBehaviour SUCCEEDS = SandboxBehaviour.of(Map.of());
    private static final SandboxBehaviour PENDS =
            SandboxBehaviour.of(Map.of(SandboxBehaviour.OUTCOME, "pending", SandboxBehaviour.SETTLE_MS, 60_000));

    private final SandboxPsp psp = new SandboxPsp(Duration.ofMinutes(10), MAX_REFUNDS, MAX_PAYMENTS);
    private Instant clock = Instant.parse("2026-01-01T00:00:00Z");

    SandboxPsp.Answer submit(String payment, String key, long minor, SandboxBehaviour behaviour) {
        return psp.submit("mer_1", payment, key, Money.of(minor, "USD"), behaviour, clock, clock);
    }

    @Test
    void twoHundredThousandRefundsNeverHoldMoreThanTheBound() {
        int maxHeld = 0;
        for (int i = 0; i < 200_000; i++) {
            clock = clock.plusMillis(1); // 1,000 refunds a second
            SandboxPsp.Answer answer;
            if (i % 10 == 0) {
                // a hot payment, refunded 1 cent at a time
                answer = submit("sbx_100000000_USD_hot" + (i % 7), "hot" + i, 1, SUCCEEDS);
            } else if (i % 97 == 0) {
                answer = submit("sbx_1000_USD_p" + i, "k" + i, 1_000, PENDS);
            } else {
                answer = submit("sbx_1000_USD_p" + i, "k" + i, 600, SUCCEEDS);
            }
            assertInstanceOf(SandboxPsp.Answer.Refunded.class, answer, "refund " + i);
            maxHeld = Math.max(maxHeld, psp.held());
            assertTrue(psp.refundsHeld() <= MAX_REFUNDS, "refunds held after " + i + ": " + psp.refundsHeld());
        }
        assertTrue(maxHeld <= BOUND, "held at most " + maxHeld + " entries, bound " + BOUND);
        assertEquals(MAX_REFUNDS, psp.refundsHeld(), "full books forget the oldest settled refund, one at a time");

        // a held key is answered with its first refund; the payment's total still declines an over-refund
        SandboxPsp.Answer resend = submit("sbx_1000_USD_p199999", "k199999", 600, SUCCEEDS);
        assertEquals(false, ((SandboxPsp.Answer.Refunded) resend).first());
        SandboxPsp.Answer over = submit("sbx_1000_USD_p199999", "k-new", 401, SUCCEEDS);
        assertEquals("amount_too_large", ((SandboxPsp.Answer.Declined) over).code());
        assertEquals(1, psp.refundCount("mer_1", "sbx_1000_USD_p199999"));
        // a hot payment keeps its total across every refund made on it, held or forgotten
        assertEquals(200_000 / 10 / 7 + 1, psp.refundCount("mer_1", "sbx_100000000_USD_hot0"));
    }

    @Test
    void aResendOfAForgottenRefundNeverRefundsTwice() {
        Instant created = clock;
        submit("sbx_1000_USD_a", "first", 600, SUCCEEDS);
        clock = clock.plus(Duration.ofMinutes(11)); // settled and past the 10 minute retention
        assertTrue(psp.find("first", clock).isEmpty(), "forgotten after the retention");
        assertEquals(1, psp.held(), "only the idle payment's books are left");

        SandboxPsp.Answer resend =
                psp.submit("mer_1", "sbx_1000_USD_a", "first", Money.of(600, "USD"), SUCCEEDS, created, clock);

        assertEquals(new SandboxPsp.Answer.Forgotten(created), resend);
        assertEquals(0, psp.refundsHeld(), "nothing booked for the resend");
        // a refund created after what was forgotten is made, against the payment's total, which was kept
        assertEquals(
                "amount_too_large",
                ((SandboxPsp.Answer.Declined) submit("sbx_1000_USD_a", "2nd", 401, SUCCEEDS)).code());
        assertInstanceOf(SandboxPsp.Answer.Refunded.class, submit("sbx_1000_USD_a", "3rd", 400, SUCCEEDS));
        assertEquals(2, psp.refundCount("mer_1", "sbx_1000_USD_a"));
    }

    @Test
    void withOnlyPendingRefundsHeldANewOneIsDeclinedClearly() {
        for (int i = 0; i < MAX_REFUNDS; i++) {
            assertInstanceOf(SandboxPsp.Answer.Refunded.class, submit("sbx_1000_USD_q" + i, "q" + i, 10, PENDS));
        }
        SandboxPsp.Answer full = submit("sbx_1000_USD_q", "one-more", 10, SUCCEEDS);
        assertEquals("sandbox_books_full", ((SandboxPsp.Answer.Declined) full).code());
        assertEquals(MAX_REFUNDS, psp.refundsHeld());
        clock = clock.plusSeconds(61); // they settle: the oldest make room
        assertInstanceOf(SandboxPsp.Answer.Refunded.class, submit("sbx_1000_USD_q", "one-more", 10, SUCCEEDS));
        assertEquals(MAX_REFUNDS, psp.refundsHeld());
        assertTrue(psp.find("q0", clock).isEmpty(), "the first to settle was forgotten");
        assertTrue(psp.find("q1", clock).isPresent());
        assertTrue(psp.find("one-more", clock).isPresent());
    }
}
