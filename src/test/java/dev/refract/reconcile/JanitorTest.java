package dev.refract.reconcile;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.refract.connector.sandbox.SandboxConnector;
import dev.refract.support.Api;
import dev.refract.support.Db;
import dev.refract.support.PostgresResource;
import dev.refract.support.Workers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The janitor settles what the request could not. The test profile switches its schedule off; each test runs it
 * ({@link Workers#janitor()}) and sees the result of exactly those runs.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class JanitorTest {

    static final Duration PATIENCE = Duration.ofSeconds(30);

    @Inject
    SandboxConnector sandbox;

    @Test
    void pendingRefundReachesSucceededThroughTheJanitor() {
        Api.TestMerchant merchant = Api.newMerchant();
        String id = Api.refundId();
        String payment = Api.payment(10_000, "USD");
        merchant.create(Api.body(
                        id,
                        payment,
                        1_000L,
                        "USD",
                        "\"connector_options\":{\"sandbox_outcome\":\"pending\",\"sandbox_settle_ms\":500}"))
                .then()
                .statusCode(200)
                .body("status", equalTo("PENDING"));

        await().atMost(PATIENCE).untilAsserted(() -> {
            Workers.janitor();
            merchant.get(id).then().body("status", equalTo("SUCCEEDED"));
        });
        merchant.get(id).then().body("connector_status", equalTo("succeeded"));
        Db.assertLedgerConsistent(merchant.id(), payment);
        assertTrue(
                events(merchant.id(), id).contains("PENDING>SUCCEEDED:JANITOR"), events(merchant.id(), id)::toString);
    }

    @Test
    void refundThePspFailedIsResubmittedUntilItSucceeds() {
        Api.TestMerchant merchant = Api.newMerchant();
        String id = Api.refundId();
        String payment = Api.payment(10_000, "USD");
        merchant.create(Api.body(
                        id,
                        payment,
                        1_000L,
                        "USD",
                        "\"connector_options\":{\"sandbox_outcome\":\"error\",\"sandbox_failures\":3}"))
                .then()
                .statusCode(200)
                .body("status", equalTo("PENDING"));

        await().atMost(PATIENCE).untilAsserted(() -> {
            Workers.janitor();
            merchant.get(id).then().body("status", equalTo("SUCCEEDED"));
        });
        Map<String, Object> row = Db.one(
                "select attempts from refunds where merchant_id = ? and merchant_refund_id = ?", merchant.id(), id);
        assertEquals(4, ((Number) row.get("attempts")).intValue(), "three 500s, then the resend that succeeded");
        assertEquals(1, sandbox.refundsAtPsp(merchant.id(), payment));
        Db.assertLedgerConsistent(merchant.id(), payment);
    }

    @Test
    void timedOutSubmissionIsResentWithTheSameKeyAndNotRefundedTwice() {
        Api.TestMerchant merchant = Api.newMerchant();
        String id = Api.refundId();
        String payment = Api.payment(10_000, "USD");
        merchant.create(Api.body(id, payment, 1_000L, "USD", "\"connector_options\":{\"sandbox_outcome\":\"timeout\"}"))
                .then()
                .statusCode(200)
                .body("status", equalTo("PENDING"));
        assertEquals(1, sandbox.refundsAtPsp(merchant.id(), payment), "the PSP refunded although it never answered");

        await().atMost(PATIENCE).untilAsserted(() -> {
            Workers.janitor();
            merchant.get(id).then().body("status", equalTo("SUCCEEDED"));
        });
        assertEquals(1, sandbox.refundsAtPsp(merchant.id(), payment), "the resend did not refund twice");
        Db.assertLedgerConsistent(merchant.id(), payment);
    }

    /**
     * The process "dies" between the PSP call and the write of its outcome: a trigger makes that write fail,
     * as a crash or a lost database connection would. The refund was recorded first, so the merchant gets
     * PENDING, and the janitor later resends with the same PSP idempotency key and settles it.
     */
    @Test
    void refundWhoseOutcomeWriteFailedIsSettledByTheJanitorNotLost() {
        Api.TestMerchant merchant = Api.newMerchant();
        String id = Api.refundId();
        String payment = Api.payment(10_000, "USD");
        Db.execute("create or replace function fail_outcome_write() returns trigger language plpgsql as $$ "
                + "begin if new.merchant_refund_id = '" + id + "' then raise exception 'simulated crash'; end if; "
                + "return new; end; $$");
        Db.execute("create trigger fail_outcome_write before update on refunds for each row "
                + "execute function fail_outcome_write()");
        try {
            merchant.create(Api.body(id, payment, 2_500L, "USD", null))
                    .then()
                    .statusCode(200)
                    .body("status", equalTo("PENDING"));
            assertEquals(1, sandbox.refundsAtPsp(merchant.id(), payment), "the PSP did refund");
            merchant.get(id).then().body("status", equalTo("PENDING"));
        } finally {
            Db.execute("drop trigger fail_outcome_write on refunds");
            Db.execute("drop function fail_outcome_write()");
        }

        await().atMost(PATIENCE).untilAsserted(() -> {
            Workers.janitor();
            merchant.get(id).then().body("status", equalTo("SUCCEEDED"));
        });
        assertEquals(1, sandbox.refundsAtPsp(merchant.id(), payment), "settled with the same key: one refund");
        Db.assertLedgerConsistent(merchant.id(), payment);
    }

    @Test
    void refundThatNeverSettlesGoesToManualReviewAfterTheConfiguredAttempts() {
        Api.TestMerchant merchant = Api.newMerchant();
        String id = Api.refundId();
        String payment = Api.payment(10_000, "USD");
        merchant.create(Api.body(
                        id,
                        payment,
                        1_000L,
                        "USD",
                        "\"connector_options\":{\"sandbox_outcome\":\"error\",\"sandbox_failures\":100}"))
                .then()
                .statusCode(200);

        // each janitor run comes an hour after the last: every retry is due without waiting out the backoff
        // (other tests' refunds may be due too, so the runs are judged by this refund's attempts)
        String attempts = "select attempts from refunds where merchant_id = ? and merchant_refund_id = ?";
        for (int attempt = 2; attempt <= 10; attempt++) {
            Workers.janitor();
            assertEquals(attempt, Db.count(attempts, merchant.id(), id), "each run resends it once");
            merchant.get(id).then().body("status", equalTo("PENDING"));
        }
        // the run after the tenth attempt gives up without sending again, and later runs leave it alone
        Workers.janitor();
        merchant.get(id).then().body("status", equalTo("MANUAL_REVIEW"));
        Workers.janitor();
        merchant.get(id).then().body("error.code", equalTo("outcome_unknown")).body("status_code", equalTo(200));
        assertEquals(
                10L,
                Db.count(
                        "select attempts from refunds where merchant_id = ? and merchant_refund_id = ?",
                        merchant.id(),
                        id));
        // the amount stays reserved until an operator settles it: it may have been refunded
        Db.assertLedgerConsistent(merchant.id(), payment);
        merchant.create(Api.body(Api.refundId(), payment, 9_001L, "USD", null))
                .then()
                .statusCode(422);
    }

    static List<String> events(String merchantId, String merchantRefundId) {
        return Db.query(
                        "select e.from_state, e.to_state, e.cause from refund_events e join refunds r on r.id = e.refund_id "
                                + "where r.merchant_id = ? and r.merchant_refund_id = ? order by e.id",
                        merchantId,
                        merchantRefundId)
                .stream()
                .map(e -> e.get("from_state") + ">" + e.get("to_state") + ":" + e.get("cause"))
                .toList();
    }
}
