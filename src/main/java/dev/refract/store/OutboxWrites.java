package dev.refract.store;

import dev.refract.refund.Refund;
import dev.refract.refund.RefundState;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.Locale;
import java.util.UUID;

/**
 * What a refund change tells others, written to the outbox in the transaction of the change itself: it is
 * delivered if and only if the change was committed. Each row carries the refund as it was at that moment.
 */
final class OutboxWrites {

    static final String NOTIFICATION = "notification";
    static final String CREDYT = "credyt";
    static final String CREDYT_ADJUSTMENT = "credyt.adjustment";
    static final String CREDYT_REVERSAL = "credyt.reversal";

    private OutboxWrites() {
    }

    /** Everything a change of state owes: a merchant notification, and Credyt adjustments. */
    static Uni<Void> afterChange(SqlConnection conn, Refund refund, Refund.Event event) {
        Uni<Void> writes = Uni.createFrom().voidItem();
        if (event.from() == null || event.from().status() != event.to().status()) {
            writes = writes.chain(() -> notification(conn, refund.id(), event.to()));
        }
        if (event.to() == RefundState.SUCCEEDED) {
            writes = writes.chain(() -> credyt(conn, refund, CREDYT_ADJUSTMENT));
        } else if (event.from() == RefundState.SUCCEEDED && event.to() == RefundState.FAILED) {
            writes = writes.chain(() -> credyt(conn, refund, CREDYT_REVERSAL));
        }
        return writes;
    }

    /** {@code refund.<status>} for merchants that registered a webhook_url. */
    private static Uni<Void> notification(SqlConnection conn, long refundId, RefundState state) {
        String type = "refund." + state.status().name().toLowerCase(Locale.ROOT);
        String eventId = "evt_" + UUID.randomUUID().toString().replace("-", "");
        return conn.preparedQuery("insert into outbox (merchant_id, refund_id, kind, event_id, event_type, payload) "
                        + "select r.merchant_id, r.id, 'notification', $2, $3, to_jsonb(r) from refunds r "
                        + "join merchants m on m.id = r.merchant_id where r.id = $1 and m.webhook_url is not null")
                .execute(Tuple.of(refundId, eventId, type)).replaceWithVoid();
    }

    /**
     * A Credyt wallet adjustment for a refund that carries {@code metadata.credyt_customer_id}, when the merchant
     * has Credyt enabled. The event id is derived from the refund, so each adjustment is queued at most once; a
     * reversal only follows an adjustment.
     */
    private static Uni<Void> credyt(SqlConnection conn, Refund refund, String type) {
        String eventId = "credyt:" + refund.pspReference() + (type.equals(CREDYT_REVERSAL) ? ":reversal" : "");
        String guard = type.equals(CREDYT_REVERSAL)
                ? " and exists (select 1 from outbox o where o.refund_id = r.id and o.event_type = 'credyt.adjustment')"
                : "";
        return conn.preparedQuery("insert into outbox (merchant_id, refund_id, kind, event_id, event_type, payload) "
                        + "select r.merchant_id, r.id, 'credyt', $2, $3, to_jsonb(r) from refunds r "
                        + "where r.id = $1 and r.metadata ? 'credyt_customer_id' and exists (select 1 from "
                        + "connector_accounts a where a.merchant_id = r.merchant_id and a.connector = 'credyt' "
                        + "and a.enabled)" + guard + " on conflict (event_id) do nothing")
                .execute(Tuple.of(refund.id(), eventId, type)).replaceWithVoid();
    }
}
