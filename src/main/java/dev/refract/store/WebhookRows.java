package dev.refract.store;

import dev.refract.refund.CreateRefund;
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
                .addString(text(event.eventId()))
                .addString(text(event.type()))
                .addString(text(event.connectorRefundId()))
                .addString(text(event.merchantRefundId()))
                .addValue(payloadJson(event));
        return pool.preparedQuery(RECORD)
                .execute(args)
                .chain(inserted -> inserted.size() > 0
                        ? Uni.createFrom()
                                .item(new RefundStore.StoredWebhook(
                                        inserted.iterator().next().getLong("id"), false))
                        : pool.preparedQuery(STORED)
                                .execute(Tuple.of(merchantId, connector, text(event.eventId())))
                                .map(rows -> {
                                    Row row = rows.iterator().next();
                                    return new RefundStore.StoredWebhook(
                                            row.getLong("id"), row.getValue("applied_at") != null);
                                }));
    }

    /**
     * By the PSP's refund id first: the PSP's own, naming one refund whichever reference the event echoes, so that
     * another merchant's refund (two merchants at one PSP account) is never taken for one of this merchant's. Then by
     * the merchant's reference, for a refund whose PSP id is not recorded yet (its create's answer still on its way).
     */
    Uni<RefundStore.WebhookMatch> refundFor(
            String merchantId, String connector, String merchantRefundId, String connectorRefundId) {
        Uni<RefundStore.WebhookMatch> byPspId = connectorRefundId == null
                ? Uni.createFrom().item(RefundStore.WebhookMatch.NONE)
                : pool.preparedQuery(RefundQueries.BY_CONNECTOR_REFUND)
                        .execute(Tuple.of(connector, connectorRefundId, merchantId))
                        .map(rows -> new RefundStore.WebhookMatch(SqlRefundStore.firstRefund(rows), null))
                        .chain(found -> found.refund() != null
                                ? Uni.createFrom().item(found)
                                : otherMerchant(merchantId, connector, connectorRefundId));
        return byPspId.chain(found -> found.refund() != null
                        || found.otherMerchant() != null
                        || merchantRefundId == null
                        || !CreateRefund.isMerchantRefundId(merchantRefundId)
                ? Uni.createFrom().item(found)
                : SqlRefundStore.find(pool, merchantId, merchantRefundId)
                        .map(r -> new RefundStore.WebhookMatch(
                                r != null && r.connector().equals(connector) ? r : null, null)));
    }

    /**
     * The merchant whose refund this PSP refund id is, when it is not this merchant's: asked only for an event this
     * merchant has no refund for (one it would otherwise adopt), so that another merchant's refund at a shared PSP
     * account is never adopted into this merchant's books. The one read of a webhook that spans merchants.
     */
    private Uni<RefundStore.WebhookMatch> otherMerchant(String merchantId, String connector, String connectorRefundId) {
        return pool.preparedQuery(RefundQueries.OWNER_OF_CONNECTOR_REFUND)
                .execute(Tuple.of(connector, connectorRefundId, merchantId))
                .map(rows -> new RefundStore.WebhookMatch(
                        null, rows.size() == 0 ? null : rows.iterator().next().getString("merchant_id")));
    }

    Uni<Void> markApplied(String merchantId, long webhookId, long refundId) {
        return pool.preparedQuery(MARK_APPLIED)
                .execute(Tuple.of(webhookId, refundId, merchantId))
                .replaceWithVoid();
    }

    /**
     * The payload as JSON, or, when it is not a JSON object or holds a NUL character (which PostgreSQL's jsonb refuses,
     * SQLSTATE 22P05, escaped or not), its text under {@code raw}: every verified event is kept, as near as it came.
     */
    private static Object payloadJson(WebhookEvent event) {
        String payload = event.payload();
        if (payload == null) {
            return new JsonObject();
        }
        if (!event.carriesNul()) {
            try {
                return new JsonObject(payload);
            } catch (RuntimeException e) {
                // kept as text below
            }
        }
        // in a JSON string, an escaped NUL is a backslash and five characters: text that jsonb takes
        return new JsonObject().put("raw", text(payload));
    }

    /** Text that PostgreSQL can hold (SQLSTATE 22021 refuses a NUL in text): each NUL as U+FFFD, else unchanged. */
    private static String text(String value) {
        return value == null ? null : value.replace('\u0000', '\uFFFD');
    }
}
