package dev.refract.store;

import dev.refract.refund.RefundStore;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The reads of the request path and the janitor, each written so that the planner has one good plan only,
 * whatever the table's size and whenever a connection prepared it (a pooled connection keeps a generic plan it
 * made on an empty table): each equality it filters on is the whole key of one index, and no other index starts
 * with a column it names. {@code QueryPlanTest} holds each of them to its index on an empty and on a large table.
 */
final class RefundQueries {

    private RefundQueries() {}

    /**
     * A refund by its PSP reference ($1), which is derived from (merchant, merchant_refund_id), and its merchant
     * ($2): the key (psp_reference, merchant_id) matches both in full. Looking up by merchant_id and
     * merchant_refund_id would leave the planner every index that starts with merchant_id, and with an empty table's
     * statistics it picks one that reads all of the merchant's refunds.
     */
    static final String BY_PSP_REFERENCE = "select * from refunds where psp_reference = $1 and merchant_id = $2";

    /** One refund by its id, within its merchant: the primary key (id, merchant_id) in full. */
    static final String BY_ID = "select * from refunds where id = $1 and merchant_id = $2";

    /** What a create must know first: the refund under its PSP reference ($1) and the payment's ledger row. */
    static final String LOOKUP = """
            select l.connector as ledger_connector, l.currency as ledger_currency,
                   l.captured_minor as ledger_captured_minor, l.in_flight_minor as ledger_in_flight_minor,
                   l.refunded_minor as ledger_refunded_minor, r.*
            from (select 1) as one
            left join refunds r on r.psp_reference = $1 and r.merchant_id = $2
            left join payment_ledger l on l.merchant_id = $2 and l.connector_transaction_id = $3""";

    /** A refund by the PSP's refund id ($2) at a connector ($1), within the merchant ($3) the webhook is for. */
    static final String BY_CONNECTOR_REFUND =
            "select * from refunds where connector = $1 and connector_refund_id = $2 and merchant_id = $3";

    /** Another merchant holding this PSP refund id ($3 the merchant asking): see WebhookRows.otherMerchant. */
    static final String OWNER_OF_CONNECTOR_REFUND = "select merchant_id from refunds where connector = $1 "
            + "and connector_refund_id = $2 and merchant_id <> $3 limit 1";

    /**
     * Which merchants have refunds due ($1), the oldest due first, one row per refund up to the batch ($2): read
     * without locks, so that on a distributed database each shard answers from its own due index. The claims that
     * follow name one merchant each.
     */
    static final String DUE_MERCHANTS = """
            select merchant_id from refunds where next_action_at <= $1 and state = any($3)
            order by next_action_at limit $2""";

    /**
     * The janitor's claim within one merchant ($5): due in-flight refunds, by the partial index of those that have a
     * next action (which holds the merchant after the time), then each updated by its primary key. The ids are
     * collected into an array first: written as {@code id in (select …)}, the generic plan (which cannot know the
     * limit) joins the claimed ids against a scan of the whole table.
     */
    static final String CLAIM_DUE = """
            update refunds set next_action_at = $3 where merchant_id = $5 and id = any(array(
                select id from refunds where next_action_at <= $1 and merchant_id = $5 and state = any($4)
                order by next_action_at limit $2 for update skip locked))
            returning *""";

    /** A list query and its arguments. */
    record Listing(String sql, Tuple args) {}

    /**
     * Newest first, one page past the limit (to tell whether there is more). With no payment named, the merchant's
     * newest-first index serves it without a sort; with a payment named, the payment's index (which carries the same
     * order) does, so a merchant with a million refunds is never scanned for one payment's few.
     */
    static Listing listing(String merchantId, RefundStore.RefundFilter filter) {
        StringBuilder sql = new StringBuilder("select * from refunds where merchant_id = $1");
        Tuple args = Tuple.of(merchantId);
        narrow(sql, args, filter);
        if (filter.after() != null) {
            args.addValue(RowMapping.time(filter.after().createdAt()));
            args.addLong(filter.after().id());
            sql.append(" and (created_at, id) < ($")
                    .append(args.size() - 1)
                    .append(", $")
                    .append(args.size())
                    .append(')');
        }
        args.addInteger(filter.limit() + 1);
        sql.append(" order by created_at desc, id desc limit $").append(args.size());
        return new Listing(sql.toString(), args);
    }

    /**
     * The filter's status, connector, payment and creation-time conditions, appended with their arguments; the
     * columns are named by table, so that a query may join another.
     */
    static void narrow(StringBuilder sql, Tuple args, RefundStore.RefundFilter filter) {
        if (!filter.states().isEmpty()) {
            args.addArrayOfString(filter.states().stream().map(Enum::name).toArray(String[]::new));
            sql.append(" and refunds.state = any($").append(args.size()).append(')');
        }
        if (filter.connector() != null) {
            args.addString(filter.connector());
            sql.append(" and refunds.connector = $").append(args.size());
        }
        if (filter.connectorTransactionId() != null) {
            args.addString(filter.connectorTransactionId());
            sql.append(" and refunds.connector_transaction_id = $").append(args.size());
        }
        if (filter.from() != null) {
            args.addValue(RowMapping.time(filter.from()));
            sql.append(" and refunds.created_at >= $").append(args.size());
        }
        if (filter.to() != null) {
            args.addValue(RowMapping.time(filter.to()));
            sql.append(" and refunds.created_at < $").append(args.size());
        }
    }
}
