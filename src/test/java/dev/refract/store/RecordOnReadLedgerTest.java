package dev.refract.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.refract.refund.CreateRefund;
import dev.refract.refund.Money;
import dev.refract.refund.PaymentLedger;
import dev.refract.refund.Recording;
import dev.refract.refund.RefundError;
import dev.refract.refund.RefundStore;
import dev.refract.support.Api;
import dev.refract.support.Db;
import dev.refract.support.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * A create records its refund in one statement on the ledger as it read it, and under the ledger row's lock when
 * that is no longer the ledger. Each case below hands the store a ledger read that is out of date in one way, and
 * checks the books: the refund recorded once or not at all, and the ledger's in-flight total equal to what its
 * refunds reserve, to the minor unit.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class RecordOnReadLedgerTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    RefundStore store;

    @Test
    void theFirstRefundOfAPaymentInsertsItsLedgerRowWithTheAmountReserved() {
        Api.TestMerchant m = Api.newMerchant();
        RefundStore.Recorded recorded = record(m, "first", "pay_first", 300, 1_000, null);
        assertTrue(recorded.created());
        assertEquals(300L, recorded.refund().amount().minorAmount());
        assertLedger(m, "pay_first", 1_000L, 300L);
    }

    @Test
    void aLaterRefundOnTheLedgerAsReadReservesOnIt() {
        Api.TestMerchant m = Api.newMerchant();
        record(m, "one", "pay_later", 300, 1_000, null);
        RefundStore.Recorded second = record(m, "two", "pay_later", 700, 1_000, ledger(1_000, 300, 0));
        assertTrue(second.created());
        assertLedger(m, "pay_later", 1_000L, 1_000L);
    }

    /** Read as empty, but a refund of the payment was recorded since: it is recorded on the row as it is now. */
    @Test
    void aPaymentWithoutALedgerWhenReadThatHasOneNowIsRecordedUnderTheLock() {
        Api.TestMerchant m = Api.newMerchant();
        record(m, "meanwhile", "pay_raced", 600, 1_000, null);
        RefundStore.Recorded late = record(m, "late", "pay_raced", 300, 1_000, null);
        assertTrue(late.created());
        assertLedger(m, "pay_raced", 1_000L, 900L);
        // and one that no longer fits is refused on the row as it is, nothing written
        RefundError.AmountExceedsRefundable refused = assertThrows(
                RefundError.AmountExceedsRefundable.class, () -> record(m, "toolate", "pay_raced", 200, 1_000, null));
        assertEquals("amount 200 USD exceeds refundable 100 USD", refused.getMessage());
        assertLedger(m, "pay_raced", 1_000L, 900L);
        assertEquals(0, refunds(m, "toolate"));
    }

    /** Read with room for the amount, but others reserved it since: refused under the lock, not over-reserved. */
    @Test
    void aLedgerThatMovedSinceItWasReadIsDecidedAgainOnTheRowAsItIs() {
        Api.TestMerchant m = Api.newMerchant();
        record(m, "a", "pay_moved", 200, 1_000, null);
        record(m, "b", "pay_moved", 600, 1_000, ledger(1_000, 200, 0));
        // the create read the ledger before "b": 800 would have fitted then
        RefundError.AmountExceedsRefundable refused = assertThrows(
                RefundError.AmountExceedsRefundable.class,
                () -> record(m, "c", "pay_moved", 800, 1_000, ledger(1_000, 200, 0)));
        assertEquals("amount 800 USD exceeds refundable 200 USD", refused.getMessage());
        assertLedger(m, "pay_moved", 1_000L, 800L);
        assertEquals(0, refunds(m, "c"));
        // what still fits is recorded on the row as it is, from the same out-of-date read
        assertTrue(
                record(m, "d", "pay_moved", 200, 1_000, ledger(1_000, 200, 0)).created());
        assertLedger(m, "pay_moved", 1_000L, 1_000L);
    }

    /** Read as full, but a refund of the payment failed since and released its amount: decided again, accepted. */
    @Test
    void anAmountRefusedOnAnOutOfDateReadIsAcceptedWhenTheRowHasRoom() {
        Api.TestMerchant m = Api.newMerchant();
        record(m, "held", "pay_freed", 400, 1_000, null);
        RefundStore.Recorded recorded = record(m, "freed", "pay_freed", 500, 1_000, ledger(1_000, 900, 0));
        assertTrue(recorded.created());
        assertLedger(m, "pay_freed", 1_000L, 900L);
    }

    /** The same merchant_refund_id recorded since the read: it is the answer, and nothing more is reserved. */
    @Test
    void aRefundRecordedSinceTheReadIsTheAnswerAndReservesNothingMore() {
        Api.TestMerchant m = Api.newMerchant();
        RefundStore.Recorded first = record(m, "same", "pay_same", 250, 1_000, null);
        RefundStore.Recorded again = record(m, "same", "pay_same", 250, 1_000, null);
        assertFalse(again.created());
        assertEquals(first.refund().id(), again.refund().id());
        assertLedger(m, "pay_same", 1_000L, 250L);
        RefundStore.Recorded onRead = record(m, "same", "pay_same", 250, 1_000, ledger(1_000, 250, 0));
        assertFalse(onRead.created());
        assertEquals(first.refund().id(), onRead.refund().id());
        assertLedger(m, "pay_same", 1_000L, 250L);
        assertEquals(1, refunds(m, "same"));
    }

    /**
     * An id already used for another payment, by a create that read neither: no ledger row is made for the
     * other payment with an amount in it.
     */
    @Test
    void anIdUsedForAnotherPaymentReservesNothingOnThisOne() {
        Api.TestMerchant m = Api.newMerchant();
        RefundStore.Recorded first = record(m, "reused", "pay_one", 250, 1_000, null);
        RefundStore.Recorded other = record(m, "reused", "pay_other", 250, 1_000, null);
        assertFalse(other.created());
        assertEquals(first.refund().id(), other.refund().id());
        assertEquals(
                0L,
                Db.count(
                        "select coalesce(sum(in_flight_minor), 0) from payment_ledger where merchant_id = ? and "
                                + "connector_transaction_id = 'pay_other'",
                        m.id()));
    }

    /**
     * Creates of one payment's partial refunds race, each from the ledger as it read it before any of them: the
     * captured amount is reserved exactly, never more, however the statements interleave.
     */
    @Test
    void concurrentCreatesFromOneOutOfDateReadNeverReserveMoreThanWasCaptured() throws Exception {
        Api.TestMerchant m = Api.newMerchant();
        record(m, "seed", "pay_race", 100, 10_000, null);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<RefundStore.Recorded>> results = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String id = "race_" + i;
                Callable<RefundStore.Recorded> create = () -> {
                    try {
                        return record(m, id, "pay_race", 300, 10_000, ledger(10_000, 100, 0));
                    } catch (RefundError.AmountExceedsRefundable refused) {
                        return null;
                    }
                };
                results.add(pool.submit(create));
            }
            int accepted = 0;
            for (Future<RefundStore.Recorded> result : results) {
                RefundStore.Recorded recorded = result.get();
                if (recorded != null) {
                    assertTrue(recorded.created());
                    accepted++;
                }
            }
            // 9,900 left after the seed: 33 refunds of 300 fit, and every one that fits is taken
            assertEquals(33, accepted);
            assertLedger(m, "pay_race", 10_000L, 100L + 33 * 300L);
            assertEquals(
                    100L + 33 * 300L, Db.count("select sum(amount_minor) from refunds where merchant_id = ?", m.id()));
        } finally {
            pool.shutdownNow();
        }
    }

    private RefundStore.Recorded record(
            Api.TestMerchant m, String id, String payment, long amount, long captured, PaymentLedger seen) {
        CreateRefund command = new CreateRefund(
                id, payment, null, Money.of(amount, "USD"), null, "requested_by_customer", Map.of(), Map.of());
        return store.record(new Recording(
                        m.id(),
                        command,
                        "sandbox",
                        Money.of(captured, "USD"),
                        Instant.now().plusSeconds(60),
                        seen))
                .await()
                .atMost(WAIT);
    }

    private static PaymentLedger ledger(long captured, long inFlight, long refunded) {
        return new PaymentLedger("USD", captured, inFlight, refunded);
    }

    /** The payment's ledger as these cases leave it: nothing refunded yet, every amount in flight. */
    private static void assertLedger(Api.TestMerchant m, String payment, long captured, long inFlight) {
        Map<String, Object> row = Db.one(
                "select currency, captured_minor, in_flight_minor, refunded_minor from payment_ledger "
                        + "where merchant_id = ? and connector_transaction_id = ?",
                m.id(),
                payment);
        assertEquals("USD", row.get("currency"));
        assertEquals(captured, ((Number) row.get("captured_minor")).longValue());
        assertEquals(inFlight, ((Number) row.get("in_flight_minor")).longValue());
        assertEquals(0L, ((Number) row.get("refunded_minor")).longValue());
        // the ledger's reservation is the sum of the refunds recorded on it
        assertEquals(
                inFlight,
                Db.count(
                        "select coalesce(sum(r.amount_minor), 0) from refunds r join payment_ledger l on l.id = "
                                + "r.ledger_id where l.merchant_id = ? and l.connector_transaction_id = ?",
                        m.id(),
                        payment));
    }

    private static long refunds(Api.TestMerchant m, String id) {
        return Db.count("select count(*) from refunds where merchant_id = ? and merchant_refund_id = ?", m.id(), id);
    }
}
