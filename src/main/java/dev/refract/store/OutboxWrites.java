package dev.refract.store;

import dev.refract.refund.Refund;
import dev.refract.refund.RefundState;
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

    /**
     * Everything a change of state owes, as sub-statements of {@code statement} on the changed refund in
     * {@code source} (a sub-statement's {@code RETURNING} rows): a merchant notification, and Credyt adjustments.
     */
    static void afterChange(Statement statement, String source, String pspReference, Refund.Event event) {
        if (event.from() == null || event.from().status() != event.to().status()) {
            statement.with("notified", notificationInsert(source, statement.parameter(newEventId()),
                    statement.parameter(notificationType(event.to()))));
        }
        if (event.to() == RefundState.SUCCEEDED) {
            credyt(statement, source, pspReference, CREDYT_ADJUSTMENT);
        } else if (event.from() == RefundState.SUCCEEDED && event.to() == RefundState.FAILED) {
            credyt(statement, source, pspReference, CREDYT_REVERSAL);
        }
    }

    /** {@code refund.<status>} for merchants that registered a webhook_url; nothing for the others. */
    private static String notificationInsert(String source, String eventId, String type) {
        return "insert into outbox (merchant_id, refund_id, kind, event_id, event_type, payload) "
                + "select r.merchant_id, r.id, '" + NOTIFICATION + "', " + eventId + ", " + type
                + ", to_jsonb(r) from " + source + " r join merchants m on m.id = r.merchant_id "
                + "where m.webhook_url is not null";
    }

    private static String notificationType(RefundState state) {
        return "refund." + state.status().name().toLowerCase(Locale.ROOT);
    }

    private static String newEventId() {
        return "evt_" + UUID.randomUUID().toString().replace("-", "");
    }

    /**
     * A Credyt wallet adjustment for a refund that carries {@code metadata.credyt_customer_id}, when the merchant
     * has Credyt enabled. The event id is derived from the refund, so each adjustment is queued at most once; a
     * reversal only follows an adjustment.
     */
    private static void credyt(Statement statement, String source, String pspReference, String type) {
        String eventId = "credyt:" + pspReference + (type.equals(CREDYT_REVERSAL) ? ":reversal" : "");
        String guard = type.equals(CREDYT_REVERSAL)
                ? " and exists (select 1 from outbox o where o.refund_id = r.id and o.event_type = '"
                        + CREDYT_ADJUSTMENT + "')"
                : "";
        statement.with("credyt_" + type.replace('.', '_'), "insert into outbox (merchant_id, refund_id, kind, "
                + "event_id, event_type, payload) select r.merchant_id, r.id, '" + CREDYT + "', "
                + statement.parameter(eventId) + ", " + statement.parameter(type) + ", to_jsonb(r) from " + source
                + " r where r.metadata ? 'credyt_customer_id' and exists (select 1 from connector_accounts a "
                + "where a.merchant_id = r.merchant_id and a.connector = 'credyt' and a.enabled)" + guard
                + " on conflict (event_id) do nothing");
    }
}
