package dev.refract.refund;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a change owes is the core's decision: the store only writes it. */
class OwedTest {

    static final Map<String, String> WITH_WALLET = Map.of(Wallet.CUSTOMER_KEY, "cus_1");

    static Refund.Event event(RefundState from, RefundState to) {
        return new Refund.Event(from, to, Cause.PSP, null, null);
    }

    @Test
    void aNewRefundNotifiesItsStatusAndMovesNoWallet() {
        Owed owed = Owed.by(event(null, RefundState.RECEIVED), WITH_WALLET);
        assertEquals("refund.pending", owed.notificationType());
        assertTrue(owed.notificationId().matches("evt_[0-9a-f]{32}"), owed.notificationId());
        assertNull(owed.wallet());
    }

    @Test
    void aChangeWithinOnePublicStatusNotifiesNothing() {
        Owed owed = Owed.by(event(RefundState.RECEIVED, RefundState.UNKNOWN), WITH_WALLET);
        assertNull(owed.notificationId());
        assertNull(owed.notificationType());
        assertNull(owed.wallet());
    }

    @Test
    void successMovesTheWalletOnlyWhenThePaymentNamesIt() {
        Owed named = Owed.by(event(RefundState.PENDING, RefundState.SUCCEEDED), WITH_WALLET);
        assertEquals("refund.succeeded", named.notificationType());
        assertEquals(Owed.WalletMove.ADJUSTMENT, named.wallet());
        assertNull(Owed.by(event(RefundState.PENDING, RefundState.SUCCEEDED), Map.of())
                .wallet());
    }

    @Test
    void aFailureAfterSuccessReversesTheWalletAndAPlainFailureDoesNot() {
        assertEquals(
                Owed.WalletMove.REVERSAL,
                Owed.by(event(RefundState.SUCCEEDED, RefundState.FAILED), WITH_WALLET)
                        .wallet());
        Owed declined = Owed.by(event(RefundState.PENDING, RefundState.FAILED), WITH_WALLET);
        assertEquals("refund.failed", declined.notificationType());
        assertNull(declined.wallet());
    }

    /**
     * A refund in review may have succeeded (and moved the wallet) before a PSP's answer contradicted it; an operator
     * who then finds it failed owes the wallet its reversal. The store queues a reversal only after an adjustment, so
     * a refund that never succeeded moves nothing.
     */
    @Test
    void anOperatorFailingARefundInReviewReversesTheWallet() {
        assertEquals(
                Owed.WalletMove.REVERSAL,
                Owed.by(event(RefundState.MANUAL_REVIEW, RefundState.FAILED), WITH_WALLET)
                        .wallet());
        assertNull(Owed.by(event(RefundState.PENDING, RefundState.MANUAL_REVIEW), WITH_WALLET)
                .wallet());
        assertNull(Owed.by(event(RefundState.SUCCEEDED, RefundState.MANUAL_REVIEW), WITH_WALLET)
                .wallet());
    }

    @Test
    void noChangeOwesNothing() {
        assertEquals(Owed.NOTHING, Owed.by(null, WITH_WALLET));
    }

    @Test
    void everyNotificationHasItsOwnId() {
        assertTrue(!Owed.by(event(null, RefundState.RECEIVED), Map.of())
                .notificationId()
                .equals(Owed.by(event(null, RefundState.RECEIVED), Map.of()).notificationId()));
    }
}
