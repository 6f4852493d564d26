package dev.refract.connector.sandbox;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.refract.support.Api;
import dev.refract.support.Db;
import dev.refract.support.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The sandbox's answers that are not a decision (its simulated 500, its timeout, a status read of a refund it does
 * not hold, as after a restart, since it keeps its books in memory) settle nothing: no FAILED, the amount still
 * reserved, no refund.failed notification.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class SandboxAnswersTest {

    @ParameterizedTest(name = "a create answered {0}")
    @ValueSource(strings = {"error", "timeout"})
    void aCreateTheSandboxDidNotDecideIsUnknownWithTheAmountReserved(String outcome) {
        Api.TestMerchant m = Api.newMerchant();
        String payment = Api.payment(1_000, "USD");
        String id = Api.refundId();
        m.create(Api.body(
                        id,
                        payment,
                        1_000L,
                        "USD",
                        "\"connector_options\":{\"sandbox_outcome\":\"" + outcome + "\",\"sandbox_failures\":100}"))
                .then()
                .statusCode(200)
                .body("status", equalTo("PENDING"));
        assertTrue(Set.of("RECEIVED", "UNKNOWN").contains(state(m, id)), () -> "not settled: " + state(m, id));
        assertStillReserved(m, payment);
        park(m);
    }

    @Test
    void aReadOfARefundTheSandboxDoesNotHoldLeavesItPendingAndCountsAnAttempt() {
        Api.TestMerchant m = Api.newMerchant();
        String payment = Api.payment(1_000, "USD");
        String id = Api.refundId();
        m.create(Api.body(
                        id,
                        payment,
                        1_000L,
                        "USD",
                        "\"connector_options\":{\"sandbox_outcome\":\"error\",\"sandbox_failures\":100}"))
                .then()
                .statusCode(200);
        // the sandbox keeps its books in memory: a refund it named before a restart is one it no longer holds
        Db.execute(
                "update refunds set state = 'PENDING', connector_refund_id = 'sbx_re_forgotten', "
                        + "connector_status = 'pending' where merchant_id = ? and merchant_refund_id = ?",
                m.id(),
                id);
        long attempts = attempts(m, id);
        m.sync(id).then().statusCode(200).body("status", equalTo("PENDING"));
        assertEquals("PENDING", state(m, id));
        assertEquals(attempts + 1, attempts(m, id), "a read that learned nothing counts toward MANUAL_REVIEW");
        assertStillReserved(m, payment);
        park(m);
    }

    /** Out of the way of later tests' janitor runs, which claim a batch of 50. */
    private static void park(Api.TestMerchant m) {
        Db.execute("update refunds set next_action_at = null where merchant_id = ?", m.id());
    }

    private static void assertStillReserved(Api.TestMerchant m, String payment) {
        var row = Db.one(
                "select in_flight_minor, refunded_minor from payment_ledger where merchant_id = ? "
                        + "and connector_transaction_id = ?",
                m.id(),
                payment);
        assertEquals(1_000L, ((Number) row.get("in_flight_minor")).longValue(), "in flight");
        assertEquals(0L, ((Number) row.get("refunded_minor")).longValue(), "refunded");
        m.create(Api.body(Api.refundId(), payment, 1L, "USD", null))
                .then()
                .statusCode(422)
                .body("error.code", equalTo("amount_exceeds_refundable"));
        assertEquals(
                0,
                Db.count("select count(*) from outbox where merchant_id = ? and event_type = 'refund.failed'", m.id()));
    }

    private static String state(Api.TestMerchant m, String id) {
        return (String) Db.one("select state from refunds where merchant_id = ? and merchant_refund_id = ?", m.id(), id)
                .get("state");
    }

    private static long attempts(Api.TestMerchant m, String id) {
        return ((Number) Db.one(
                                "select attempts from refunds where merchant_id = ? and merchant_refund_id = ?",
                                m.id(),
                                id)
                        .get("attempts"))
                .longValue();
    }
}
