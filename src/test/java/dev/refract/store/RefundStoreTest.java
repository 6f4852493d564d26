package dev.refract.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.refract.refund.Refund;
import dev.refract.refund.RefundStore;
import dev.refract.support.Api;
import dev.refract.support.Db;
import dev.refract.support.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class RefundStoreTest {

    @Inject
    RefundStore store;

    /** Two replicas claiming at the same moment never get the same refund. */
    @Test
    void concurrentClaimsNeverShareARefund() {
        Api.TestMerchant merchant = Api.newMerchant();
        for (int i = 0; i < 30; i++) {
            merchant.create(Api.body(
                            "claim_" + i,
                            Api.payment(1_000, "USD"),
                            100L,
                            "USD",
                            "\"connector_options\":{\"sandbox_outcome\":\"pending\",\"sandbox_settle_ms\":600000}"))
                    .then()
                    .statusCode(200);
        }
        // due before anything other tests left behind, so that the first 30 due refunds are exactly these
        Db.execute(
                "update refunds set next_action_at = timestamptz '2000-01-01 00:00Z' where merchant_id = ?",
                merchant.id());

        Instant now = Instant.now();
        List<List<Refund>> claims = Uni.join()
                .all(
                        store.claimDue(now, 20, Duration.ofMinutes(5)),
                        store.claimDue(now, 20, Duration.ofMinutes(5)),
                        store.claimDue(now, 20, Duration.ofMinutes(5)))
                .andFailFast()
                .await()
                .atMost(Duration.ofSeconds(30));

        Set<Long> seen = new HashSet<>();
        int total = 0;
        for (List<Refund> claim : claims) {
            for (Refund r : claim) {
                assertTrue(seen.add(r.id()), "refund " + r.id() + " was claimed twice");
                total++;
            }
        }
        Set<Long> ours = Db.query("select id from refunds where merchant_id = ?", merchant.id()).stream()
                .map(row -> ((Number) row.get("id")).longValue())
                .collect(Collectors.toSet());
        assertEquals(30, ours.size());
        assertTrue(seen.containsAll(ours), "the three claims together took every one of the 30, each once");
        assertTrue(total <= 60, "no claim took more than its limit: " + total);
        // a claimed refund is leased: it is not due again until the lease ends
        assertEquals(
                0,
                Db.count(
                        "select count(*) from refunds where merchant_id = ? and id = any(?) and next_action_at <= now()",
                        merchant.id(),
                        seen.toArray(new Long[0])));
    }

    @Test
    void theEventLogIsAppendOnly() {
        Api.TestMerchant merchant = Api.newMerchant();
        merchant.create(Api.body("evt_1", Api.payment(1_000, "USD"), 100L, "USD", null))
                .then()
                .statusCode(200);
        long refundId = ((Number) Db.one("select id from refunds where merchant_id = ?", merchant.id())
                        .get("id"))
                .longValue();
        assertEquals(
                List.of("null>RECEIVED:API", "RECEIVED>SUCCEEDED:PSP"),
                Db.query(
                                "select from_state, to_state, cause from refund_events where refund_id = ? order by id",
                                refundId)
                        .stream()
                        .map(e -> e.get("from_state") + ">" + e.get("to_state") + ":" + e.get("cause"))
                        .toList());
        // the trigger's RAISE EXCEPTION: SQLSTATE P0001 (raise_exception), with its own message
        assertRefused(
                "P0001",
                "refund_events is append-only",
                () -> Db.execute("update refund_events set detail = 'rewritten' where refund_id = ?", refundId));
        assertRefused(
                "P0001",
                "refund_events is append-only",
                () -> Db.execute("delete from refund_events where refund_id = ?", refundId));
        assertEquals(
                2L,
                Db.count(
                        "select count(*) from refund_events where refund_id = ? and detail is distinct from "
                                + "'rewritten'",
                        refundId));
    }

    /** The statement fails in the database with this SQLSTATE, and its message says why. */
    private static void assertRefused(String sqlState, String message, Executable sql) {
        IllegalStateException e = assertThrows(IllegalStateException.class, sql);
        SQLException cause = (SQLException) e.getCause();
        assertEquals(sqlState, cause.getSQLState(), cause.getMessage());
        assertTrue(cause.getMessage().contains(message), cause.getMessage());
    }

    @Test
    void theDatabaseItselfRefusesALedgerPastTheCapturedAmount() {
        Api.TestMerchant merchant = Api.newMerchant();
        String payment = Api.payment(1_000, "USD");
        merchant.create(Api.body("cap_1", payment, 600L, "USD", null)).then().statusCode(200);
        // 23514 check_violation, by the ledger's own constraint
        assertRefused(
                "23514",
                "ledger_within_captured",
                () -> Db.execute(
                        "update payment_ledger set refunded_minor = 1001 "
                                + "where merchant_id = ? and connector_transaction_id = ?",
                        merchant.id(),
                        payment));
        assertEquals(
                600L,
                ((Number) Db.one(
                                        "select refunded_minor from payment_ledger where merchant_id = ? and "
                                                + "connector_transaction_id = ?",
                                        merchant.id(),
                                        payment)
                                .get("refunded_minor"))
                        .longValue());
    }
}
