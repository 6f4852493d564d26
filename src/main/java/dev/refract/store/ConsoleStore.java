package dev.refract.store;

import dev.refract.refund.Actor;
import dev.refract.refund.AuditEntry;
import dev.refract.refund.Refund;
import dev.refract.refund.RefundState;
import dev.refract.refund.RefundStore;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What the operator console reads, across merchants: refunds by filter, one refund's history (events, webhooks,
 * outbox items), what needs attention, the outbox's backlog, and the merchants. Each read is bounded by a limit and
 * served by an index; nothing here is on the money path.
 */
@ApplicationScoped
public class ConsoleStore {

    /** One change of a refund, as the append-only event log holds it. */
    public record Event(
            String fromState,
            String toState,
            String cause,
            String connectorStatus,
            String detail,
            Instant at,
            Actor actor) {}

    /** A PSP webhook stored for a refund; {@code appliedAt} null when it was kept without being applied. */
    public record Webhook(String connector, String eventId, String eventType, Instant receivedAt, Instant appliedAt) {}

    /** A notification or wallet adjustment a refund owed, and how its delivery went. */
    public record OutboxItem(
            long id,
            String merchantId,
            String merchantRefundId,
            String kind,
            String eventType,
            String eventId,
            int attempts,
            Instant createdAt,
            Instant nextAttemptAt,
            Instant deliveredAt,
            String lastError) {}

    /** The undelivered items of one kind: how many, how many have failed at least once, since when. */
    public record Backlog(String kind, long undelivered, long failing, Instant oldest) {}

    public record MerchantRow(
            String id, String name, String defaultConnector, String webhookUrl, boolean webhookSecretSet) {}

    /** The refund's whole history for its page. */
    public record History(List<Event> events, List<Webhook> webhooks, List<OutboxItem> outbox) {}

    private static final String OUTBOX_COLUMNS = """
            o.id, o.merchant_id, r.merchant_refund_id, o.kind, o.event_type, o.event_id, o.attempts, o.created_at,
            o.next_attempt_at, o.delivered_at, o.last_error""";

    static final String EVENTS =
            "select * from refund_events where refund_id = $1 and merchant_id = $2 order by id limit 500";

    /** Applied to the refund, or kept unapplied under its PSP refund id (for reconciliation). */
    static final String WEBHOOKS = """
            select connector, event_id, event_type, received_at, applied_at from webhook_events
            where refund_id = $1 and merchant_id = $2
            union all
            select connector, event_id, event_type, received_at, applied_at from webhook_events
            where merchant_id = $2 and connector_refund_id = $3 and applied_at is null
            order by received_at limit 200""";

    static final String OUTBOX_OF_REFUND = "select " + OUTBOX_COLUMNS
            + " from outbox o join refunds r on r.id = o.refund_id and r.merchant_id = o.merchant_id"
            + " where o.refund_id = $1 and o.merchant_id = $2 order by o.id limit 200";

    static final String MANUAL_REVIEW =
            "select * from refunds where state = 'MANUAL_REVIEW' order by updated_at limit $1";

    static final String UNSETTLED = "select * from refunds where next_action_at is not null and state = any($1)"
            + " and attempts >= $2 order by created_at limit $3";

    static final String EXTERNAL =
            "select * from refunds where external and created_at >= $1 order by created_at limit $2";

    static final String FAILING = "select " + OUTBOX_COLUMNS + " from outbox o join refunds r on r.id = o.refund_id"
            + " and r.merchant_id = o.merchant_id where o.delivered_at is null and o.attempts > 0"
            + " order by o.created_at limit $1";

    static final String OUTBOX_BACKLOG = """
            select kind, count(*) as undelivered, count(*) filter (where attempts > 0) as failing,
                   min(created_at) as oldest
            from outbox where delivered_at is null group by kind order by kind""";

    static final String RETRY_NOW = "update outbox set next_attempt_at = now() where id = $1 and delivered_at is null";

    static final String MERCHANTS = "select id, name, default_connector, webhook_url,"
            + " webhook_secret_enc is not null as webhook_secret_set from merchants order by id limit $1";

    private final Pool pool;

    ConsoleStore(Pool pool) {
        this.pool = pool;
    }

    public Uni<Refund> refund(String merchantId, String merchantRefundId) {
        return SqlRefundStore.find(pool, merchantId, merchantRefundId);
    }

    /**
     * Newest first. For one merchant, the merchant API's own listing (its newest-first index). Across merchants, by
     * the primary key downwards (ids are handed out in insertion order), with the cursor's id as the bound; a payment
     * named across merchants is looked up in each merchant's payment index, since no index leads with the payment.
     */
    public Uni<RefundStore.RefundPage> refunds(String merchantId, RefundStore.RefundFilter filter) {
        RefundQueries.Listing listing =
                merchantId != null ? RefundQueries.listing(merchantId, filter) : acrossMerchants(filter);
        return pool.preparedQuery(listing.sql()).execute(listing.args()).map(rows -> {
            List<Refund> data = refunds(rows);
            boolean hasMore = data.size() > filter.limit();
            return new RefundStore.RefundPage(hasMore ? data.subList(0, filter.limit()) : data, hasMore);
        });
    }

    static RefundQueries.Listing acrossMerchants(RefundStore.RefundFilter filter) {
        StringBuilder sql = new StringBuilder(
                filter.connectorTransactionId() == null
                        ? "select * from refunds where true"
                        : "select refunds.* from merchants join refunds on refunds.merchant_id = merchants.id where true");
        Tuple args = Tuple.tuple();
        RefundQueries.narrow(sql, args, filter);
        if (filter.after() != null) {
            args.addLong(filter.after().id());
            sql.append(" and refunds.id < $").append(args.size());
        }
        args.addInteger(filter.limit() + 1);
        sql.append(" order by refunds.id desc limit $").append(args.size());
        return new RefundQueries.Listing(sql.toString(), args);
    }

    public Uni<History> history(Refund refund) {
        Uni<List<Event>> events = pool.preparedQuery(EVENTS)
                .execute(Tuple.of(refund.id(), refund.merchantId()))
                .map(rows -> {
                    List<Event> list = new ArrayList<>();
                    for (Row row : rows) {
                        list.add(new Event(
                                row.getString("from_state"),
                                row.getString("to_state"),
                                row.getString("cause"),
                                row.getString("connector_status"),
                                row.getString("detail"),
                                RowMapping.instant(row.getOffsetDateTime("created_at")),
                                actor(row.getJsonObject("actor"))));
                    }
                    return list;
                });
        Uni<List<Webhook>> webhooks = pool.preparedQuery(WEBHOOKS)
                .execute(Tuple.of(refund.id(), refund.merchantId(), refund.connectorRefundId()))
                .map(rows -> {
                    List<Webhook> list = new ArrayList<>();
                    for (Row row : rows) {
                        list.add(new Webhook(
                                row.getString("connector"),
                                row.getString("event_id"),
                                row.getString("event_type"),
                                RowMapping.instant(row.getOffsetDateTime("received_at")),
                                RowMapping.instant(row.getOffsetDateTime("applied_at"))));
                    }
                    return list;
                });
        Uni<List<OutboxItem>> outbox = pool.preparedQuery(OUTBOX_OF_REFUND)
                .execute(Tuple.of(refund.id(), refund.merchantId()))
                .map(ConsoleStore::outboxItems);
        return Uni.combine().all().unis(events, webhooks, outbox).with(History::new);
    }

    /** Refunds in MANUAL_REVIEW, the longest waiting first. */
    public Uni<List<Refund>> manualReview(int limit) {
        return pool.preparedQuery(MANUAL_REVIEW).execute(Tuple.of(limit)).map(ConsoleStore::refunds);
    }

    /** In-flight refunds the PSP has been asked about at least {@code minAttempts} times, oldest first. */
    public Uni<List<Refund>> unsettled(int minAttempts, int limit) {
        return pool.preparedQuery(UNSETTLED)
                .execute(Tuple.tuple()
                        .addArrayOfString(
                                RefundState.IN_FLIGHT.stream().map(Enum::name).toArray(String[]::new))
                        .addInteger(minAttempts)
                        .addInteger(limit))
                .map(ConsoleStore::refunds);
    }

    /** Refunds made outside Refract (at the PSP's dashboard, say) and adopted from a webhook, since {@code since}. */
    public Uni<List<Refund>> external(Instant since, int limit) {
        return pool.preparedQuery(EXTERNAL)
                .execute(Tuple.of(RowMapping.time(since), limit))
                .map(ConsoleStore::refunds);
    }

    public Uni<List<Backlog>> outboxBacklog() {
        return pool.query(OUTBOX_BACKLOG).execute().map(rows -> {
            List<Backlog> list = new ArrayList<>();
            for (Row row : rows) {
                list.add(new Backlog(
                        row.getString("kind"),
                        row.getLong("undelivered"),
                        row.getLong("failing"),
                        RowMapping.instant(row.getOffsetDateTime("oldest"))));
            }
            return list;
        });
    }

    /** Undelivered items whose delivery has failed at least once, the oldest first. */
    public Uni<List<OutboxItem>> failingDeliveries(int limit) {
        return pool.preparedQuery(FAILING).execute(Tuple.of(limit)).map(ConsoleStore::outboxItems);
    }

    /** Makes an undelivered item due now; false when it is unknown or delivered already. */
    public Uni<Boolean> retryNow(long outboxId, AuditEntry audit) {
        return pool.withTransaction(conn -> conn.preparedQuery(RETRY_NOW)
                .execute(Tuple.of(outboxId))
                .chain(rows -> rows.rowCount() == 1
                        ? AuditTrail.record(conn, audit).replaceWith(true)
                        : Uni.createFrom().item(false)));
    }

    /** The operator an event names, as the audit trail wrote it ({@link AuditTrail#actor}); null for none. */
    static Actor actor(JsonObject json) {
        if (json == null) {
            return null;
        }
        return "operator".equals(json.getString("kind"))
                ? new Actor.Operator(json.getString("subject"), json.getString("name"))
                : new Actor.AdminToken();
    }

    /** Every merchant, by id; {@code limit} bounds the page. */
    public Uni<List<MerchantRow>> merchants(int limit) {
        return pool.preparedQuery(MERCHANTS).execute(Tuple.of(limit)).map(rows -> {
            List<MerchantRow> list = new ArrayList<>();
            for (Row row : rows) {
                list.add(new MerchantRow(
                        row.getString("id"),
                        row.getString("name"),
                        row.getString("default_connector"),
                        row.getString("webhook_url"),
                        row.getBoolean("webhook_secret_set")));
            }
            return list;
        });
    }

    private static List<Refund> refunds(RowSet<Row> rows) {
        List<Refund> list = new ArrayList<>();
        rows.forEach(row -> list.add(RowMapping.refund(row)));
        return list;
    }

    private static List<OutboxItem> outboxItems(RowSet<Row> rows) {
        List<OutboxItem> list = new ArrayList<>();
        for (Row row : rows) {
            list.add(new OutboxItem(
                    row.getLong("id"),
                    row.getString("merchant_id"),
                    row.getString("merchant_refund_id"),
                    row.getString("kind"),
                    row.getString("event_type"),
                    row.getString("event_id"),
                    row.getInteger("attempts"),
                    RowMapping.instant(row.getOffsetDateTime("created_at")),
                    RowMapping.instant(row.getOffsetDateTime("next_attempt_at")),
                    RowMapping.instant(row.getOffsetDateTime("delivered_at")),
                    row.getString("last_error")));
        }
        return list;
    }
}
