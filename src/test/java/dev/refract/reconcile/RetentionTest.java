package dev.refract.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.refract.support.Api;
import dev.refract.support.Db;
import dev.refract.support.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Retention deletes delivered outbox rows and applied webhook events past the kept period, in batches, and
 * nothing else: not what is undelivered, unapplied or recent, and never the refund event log.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class RetentionTest {

    @Inject
    Retention retention;

    @Test
    void whatWasDeliveredOrAppliedLongAgoIsDeletedAndNothingElse() {
        Api.TestMerchant m = Api.newMerchant();
        String id = Api.refundId();
        m.create(Api.body(id, Api.payment(1_000, "USD"), 100L, "USD", null))
                .then()
                .statusCode(200);
        long refund = ((Number)
                        Db.one("select id from refunds where merchant_id = ? and merchant_refund_id = ?", m.id(), id)
                                .get("id"))
                .longValue();
        long events = Db.count("select count(*) from refund_events where refund_id = ?", refund);

        for (int i = 0; i < 5; i++) { // delivered 31 days ago: deleted, over three batches of two
            outbox(m.id(), refund, "old_delivered_" + i, "now() - interval '31 days'", "now() - interval '31 days'");
        }
        // undelivered (its next attempt far away, so the worker leaves it), and delivered but recent: kept
        outbox(m.id(), refund, "old_undelivered", "now() - interval '31 days'", null);
        outbox(m.id(), refund, "recent_delivered", "now() - interval '29 days'", "now() - interval '29 days'");
        for (int i = 0; i < 3; i++) {
            webhook(m.id(), "old_applied_" + i, "now() - interval '40 days'", "now() - interval '40 days'", refund);
        }
        webhook(m.id(), "old_unapplied", "now() - interval '40 days'", null, null);
        webhook(m.id(), "recent_applied", "now() - interval '1 day'", "now() - interval '1 day'", refund);

        assertEquals(new Retention.Pruned(5, 3), retention.runOnce().await().atMost(Duration.ofSeconds(30)));
        assertEquals(
                2, Db.count("select count(*) from outbox where merchant_id = ? and event_id like 'ret_%'", m.id()));
        assertEquals(
                1, Db.count("select count(*) from outbox where event_id = ?", "ret_" + m.id() + "_old_undelivered"));
        assertEquals(
                1, Db.count("select count(*) from outbox where event_id = ?", "ret_" + m.id() + "_recent_delivered"));
        assertEquals(2, Db.count("select count(*) from webhook_events where merchant_id = ?", m.id()));
        assertEquals(
                1,
                Db.count(
                        "select count(*) from webhook_events where merchant_id = ? and event_id = 'old_unapplied'",
                        m.id()));
        assertEquals(
                events,
                Db.count("select count(*) from refund_events where refund_id = ?", refund),
                "the audit trail is kept");
        assertEquals(
                new Retention.Pruned(0, 0),
                retention.runOnce().await().atMost(Duration.ofSeconds(30)),
                "a second run finds nothing more");
    }

    static void outbox(String merchantId, long refundId, String name, String createdAt, String deliveredAt) {
        Db.execute(
                "insert into outbox (merchant_id, refund_id, kind, event_id, event_type, payload, next_attempt_at, "
                        + "delivered_at, created_at) values (?, ?, 'credyt', ?, 'credyt.adjustment', '{}'::jsonb, "
                        + "now() + interval '30 days', " + (deliveredAt == null ? "null" : deliveredAt) + ", "
                        + createdAt + ")",
                merchantId,
                refundId,
                "ret_" + merchantId + "_" + name);
    }

    static void webhook(String merchantId, String eventId, String receivedAt, String appliedAt, Long refundId) {
        Db.execute(
                "insert into webhook_events (merchant_id, connector, event_id, payload, received_at, applied_at, "
                        + "refund_id) values (?, 'stripe', ?, '{}'::jsonb, " + receivedAt + ", "
                        + (appliedAt == null ? "null" : appliedAt) + ", ?)",
                merchantId,
                eventId,
                refundId);
    }
}
