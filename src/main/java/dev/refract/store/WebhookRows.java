package dev.refract.store;

import dev.refract.refund.CreateRefund;
import dev.refract.refund.Refund;
import dev.refract.refund.RefundStore;
import dev.refract.refund.WebhookEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/** The PSP webhook log: events stored before they are applied, deduplicated, and the refund each is about. */
final class WebhookRows {

    /** A verified event, stored once per merchant, connector and PSP event id: a redelivery inserts nothing. */
    static final String RECORD = "insert into webhook_events (merchant_id, connector, event_id, event_type, "
            + "connector_refund_id, merchant_refund_id, payload) values ($1, $2, $3, $4, $5, $6, $7) "
            + "on conflict (merchant_id, connector, event_id) do nothing returning id";

    /** The event stored before, for a redelivery. */
    static final String STORED =
            "select id, applied_at from webhook_events where merchant_id = $1 and connector = $2 and event_id = $3";

    static final String MARK_APPLIED =
            "update webhook_events set applied_at = now(), refund_id = $2 where id = $1 and merchant_id = $3";

    private final Pool pool;

    WebhookRows(Pool pool) {
        this.pool = pool;
    }

    Uni<RefundStore.StoredWebhook> record(String merchantId, String connector, WebhookEvent event) {
        Tuple args = Tuple.tuple()
                .addString(merchantId)
                .addString(connector)
                .addString(event.eventId())
                .addString(event.type())
                .addString(event.connectorRefundId())
                .addString(event.merchantRefundId())
                .addValue(payloadJson(event.payload()));
        return pool.preparedQuery(RECORD)
                .execute(args)
                .chain(inserted -> inserted.size() > 0
                        ? Uni.createFrom()
                                .item(new RefundStore.StoredWebhook(
                                        inserted.iterator().next().getLong("id"), false))
                        : pool.preparedQuery(STORED)
                                .execute(Tuple.of(merchantId, connector, event.eventId()))
                                .map(rows -> {
                                    Row row = rows.iterator().next();
                                    return new RefundStore.StoredWebhook(
                                            row.getLong("id"), row.getValue("applied_at") != null);
                                }));
    }

    Uni<Refund> refundFor(String merchantId, String connector, String merchantRefundId, String connectorRefundId) {
        Uni<Refund> byReference = merchantRefundId == null || !CreateRefund.isMerchantRefundId(merchantRefundId)
                ? Uni.createFrom().nullItem()
                : SqlRefundStore.find(pool, merchantId, merchantRefundId)
                        .map(r -> r != null && r.connector().equals(connector) ? r : null);
        return byReference.chain(found -> found != null || connectorRefundId == null
                ? Uni.createFrom().item(found)
                // no echoed reference, or one that matched nothing: try the PSP's refund id
                : pool.preparedQuery(RefundQueries.BY_CONNECTOR_REFUND)
                        .execute(Tuple.of(connector, connectorRefundId, merchantId))
                        .map(SqlRefundStore::firstRefund));
    }

    Uni<Void> markApplied(String merchantId, long webhookId, long refundId) {
        return pool.preparedQuery(MARK_APPLIED)
                .execute(Tuple.of(webhookId, refundId, merchantId))
                .replaceWithVoid();
    }

    private static Object payloadJson(String payload) {
        try {
            return new JsonObject(payload);
        } catch (RuntimeException e) {
            return new JsonObject().put("raw", payload);
        }
    }
}
