package dev.refract.reconcile;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.refract.store.BacklogStore;
import dev.refract.support.Api;
import dev.refract.support.Db;
import dev.refract.support.PostgresResource;
import dev.refract.support.Workers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The backlog gauges the alert rules read: each one the database's own figure, exposed under its name. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class BacklogGaugesTest {

    @Inject
    BacklogGauges gauges;

    @Test
    void theGaugesShowWhatWaitsInTheDatabase() {
        Api.TestMerchant m = Api.newMerchant();
        String review = Workers.refundInManualReview(m, Api.payment(10_000, "USD"));
        m.get(review).then().statusCode(200);
        // a refund due an hour ago, and an undelivered notification queued ten minutes ago
        String due = Api.refundId();
        m.create(Api.body(
                        due,
                        Api.payment(10_000, "USD"),
                        100L,
                        "USD",
                        "\"connector_options\":{\"sandbox_outcome\":\"pending\",\"sandbox_settle_ms\":600000}"))
                .then()
                .statusCode(200);
        Db.execute(
                "update refunds set next_action_at = now() - interval '1 hour' where merchant_id = ? "
                        + "and merchant_refund_id = ?",
                m.id(),
                due);
        // a refund's own notification, as if it had waited ten minutes for a merchant endpoint that refuses it
        Db.execute("update merchants set webhook_url = 'http://localhost:9/refused' where id = ?", m.id());
        m.create(Api.body(Api.refundId(), Api.payment(10_000, "USD"), 100L, "USD", null))
                .then()
                .statusCode(200);
        Db.execute(
                "update outbox set created_at = now() - interval '10 minutes' where merchant_id = ? "
                        + "and delivered_at is null",
                m.id());

        BacklogStore.Backlog backlog = gauges.refresh().await().atMost(Duration.ofSeconds(10));

        Map<String, Object> truth = Db.one(
                "select (select count(*) from refunds where state = 'MANUAL_REVIEW') as review, "
                        + "extract(epoch from now() - (select min(next_action_at) from refunds where next_action_at <= now())) as due, "
                        + "extract(epoch from now() - (select min(created_at) from outbox where delivered_at is null)) as outbox");
        assertEquals(((Number) truth.get("review")).longValue(), backlog.manualReview());
        assertTrue(backlog.manualReview() >= 1, "this test's refund is in MANUAL_REVIEW");
        // ages: what the database says a moment later, give or take the few milliseconds between the two reads
        assertEquals(((Number) truth.get("due")).doubleValue(), backlog.janitorOldestDueSeconds(), 5.0);
        assertTrue(backlog.janitorOldestDueSeconds() >= 3600, "the refund due an hour ago: " + backlog);
        assertEquals(((Number) truth.get("outbox")).doubleValue(), backlog.outboxOldestUndeliveredSeconds(), 5.0);
        assertTrue(backlog.outboxOldestUndeliveredSeconds() >= 600, "the item queued ten minutes ago: " + backlog);

        String metrics =
                given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.contains("refract_refunds_manual_review " + (double) backlog.manualReview()), metrics);
        assertTrue(metrics.contains("refract_janitor_oldest_due_age_seconds "), metrics);
        assertTrue(metrics.contains("refract_outbox_oldest_undelivered_age_seconds "), metrics);
    }
}
