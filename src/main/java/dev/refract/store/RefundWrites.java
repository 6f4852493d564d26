package dev.refract.store;

import dev.refract.refund.Owed;
import dev.refract.refund.Refund;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The three statements that write a refund: its record, the adoption of one made outside Refract, and the save of
 * a change. Each is one round trip: the refund ({@code r}), then on its {@code RETURNING} row the event, what the
 * change owes ({@link Owed}, decided by the core) and the ledger's movement, all or nothing. Each is one fixed
 * text, so that the pool prepares it once per connection.
 *
 * <p>Parameters {@code $1}–{@code $9} are the same in all three: the event and what it owes
 * ({@link #eventAndOwed}); each statement's own parameters follow from {@code $10}.
 */
final class RefundWrites {

    static final String WALLET = "credyt";
    static final String WALLET_ADJUSTMENT = "credyt.adjustment";
    static final String WALLET_REVERSAL = "credyt.reversal";

    /** What a change owes, after its event: {@code $6}–{@code $9}. */
    private static final String OWED = """
            notified as (
                insert into outbox (merchant_id, refund_id, kind, event_id, event_type, payload)
                select r.merchant_id, r.id, 'notification', $6::text, $7::text, to_jsonb(r)
                from r join merchants m on m.id = r.merchant_id
                where $7::text is not null and m.webhook_url is not null),
            wallet as (
                insert into outbox (merchant_id, refund_id, kind, event_id, event_type, payload)
                select r.merchant_id, r.id, 'credyt', $8::text, $9::text, to_jsonb(r) from r
                where $9::text is not null
                  and exists (select 1 from connector_accounts a
                              where a.merchant_id = r.merchant_id and a.connector = 'credyt' and a.enabled)
                  and ($9::text <> 'credyt.reversal'
                       or exists (select 1 from outbox o
                                  where o.refund_id = r.id and o.merchant_id = r.merchant_id
                                    and o.event_type = 'credyt.adjustment'))
                on conflict (event_id, merchant_id) do nothing)""";

    /**
     * The event of the refund in {@code r} and what it owes: a notification to a merchant that has a webhook URL,
     * and a wallet move where the merchant has the wallet on. Each wallet move's event id is derived from the
     * refund, so that it is queued at most once, and a reversal only follows an adjustment.
     */
    private static final String EVENT_AND_OWED = """
            logged as (
                insert into refund_events (refund_id, merchant_id, from_state, to_state, cause, connector_status, detail)
                select r.id, r.merchant_id, $1::text, $2::text, $3::text, $4::text, $5::text from r
                where $2::text is not null),
            """ + OWED;

    /**
     * A new refund as the create decided it (parameters {@code $10}–{@code $21}, as SqlRefundStore.recordParameters
     * sets them), inserted on the payment's ledger row that the statement's {@code ledger} names, with no
     * {@code ON CONFLICT}: a refund of this merchant_refund_id committed meanwhile is a unique violation, which undoes
     * the whole statement.
     */
    private static final String REFUND_ON_LEDGER = "r as (\n" + newRefund("ledger.id") + """
            from ledger
            returning *),
            """;

    /** No refund of this merchant_refund_id (by its PSP reference, read without waiting on any row lock). */
    private static final String NEW_REFUND = """
            not exists (select 1 from refunds where psp_reference = $20::text and merchant_id = $10::text)""";

    /**
     * The first refund of a payment Refract has no ledger row for, in one statement and no transaction of its own:
     * the ledger row is inserted with the amount reserved, and the refund on it. When the row exists by now (a
     * concurrent refund of the same payment) or the refund does, nothing is written and nothing is returned, and
     * the store records the refund under the row's lock instead ({@link #RECORD}).
     */
    static final String RECORD_FIRST = """
            with ledger as (
                insert into payment_ledger (merchant_id, connector, connector_transaction_id, currency, captured_minor,
                                            in_flight_minor)
                select $10::text, $12::text, $13::text, $22::char(3), $23::bigint, $24::bigint
                where\s""" + NEW_REFUND + """

                on conflict (merchant_id, connector_transaction_id) do nothing
                returning id),
            """ + REFUND_ON_LEDGER + EVENT_AND_OWED + """

            select * from r""";

    /**
     * A refund of a payment whose ledger row the create read just before ({@code $25}–{@code $28}: its currency,
     * captured, in-flight and refunded amounts), in one statement and no transaction of its own. The reservation
     * is a conditional update: under READ COMMITTED an update that waited for a concurrent one re-reads the row
     * and re-checks its condition, so it reserves only on the very totals the amount was decided on. When the
     * row has moved (or the refund exists), nothing is written and nothing is returned, and the store records the
     * refund under the row's lock instead ({@link #RECORD}).
     */
    static final String RECORD_ON_SEEN_LEDGER = """
            with ledger as (
                update payment_ledger set currency = $22::char(3), captured_minor = $23::bigint,
                                          in_flight_minor = $24::bigint, updated_at = now()
                where merchant_id = $10::text and connector_transaction_id = $13::text and connector = $12::text
                  and currency is not distinct from $25::char(3) and captured_minor is not distinct from $26::bigint
                  and in_flight_minor = $27::bigint and refunded_minor = $28::bigint
                  and\s""" + NEW_REFUND + """

                returning id),
            """ + REFUND_ON_LEDGER + EVENT_AND_OWED + """

            select * from r""";

    /**
     * A new refund on the payment's ledger row locked by the transaction ({@code $25} its id), inserted only if its
     * merchant_refund_id is new, and the amount it reserves in that row.
     */
    static final String RECORD =
            "with r as (\n" + newRefund("$25::bigint") + "where " + NEW_REFUND + """

            on conflict (merchant_id, merchant_refund_id) do nothing
            returning *),
            """ + EVENT_AND_OWED + """
            ,
            reserved as (
                update payment_ledger set currency = $22, captured_minor = $23, in_flight_minor = $24,
                                          updated_at = now()
                where id = $25::bigint and merchant_id = $10::text and exists (select 1 from r))
            select * from r""";

    /** A refund made outside Refract, in the PSP's state, counted in the payment's locked ledger row. */
    static final String ADOPT = """
            with r as (
                insert into refunds (merchant_id, merchant_refund_id, ledger_id, connector, connector_transaction_id,
                                     connector_refund_id, state, connector_status, amount_minor, currency, metadata,
                                     connector_details, error, fingerprint, psp_reference, next_action_at, external,
                                     created_at, updated_at)
                values ($10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, true,
                        clock_timestamp(), clock_timestamp())
                on conflict do nothing
                returning *),
            """ + EVENT_AND_OWED + """
            ,
            counted as (
                update payment_ledger set currency = $26, in_flight_minor = $27, refunded_minor = $28,
                                          updated_at = now()
                where id = $12 and merchant_id = $10 and exists (select 1 from r))
            select * from r""";

    /** The refund's change under its version check, within its merchant ($22): {@code r}, nothing when stale. */
    private static final String CHANGED = """
            with r as (
                update refunds set state = $10, connector_refund_id = $11, connector_status = $12,
                                   connector_details = $13, error = $14, amount_minor = $15, attempts = $16,
                                   next_action_at = $17, version = version + 1, updated_at = clock_timestamp()
                where id = $18 and merchant_id = $22 and version = $19
                returning *),
            """;

    /** The ledger's movement by the change in {@code r} ($20 in flight, $21 refunded), then the refund's row. */
    private static final String MOVED = """
            moved as (
                update payment_ledger set in_flight_minor = in_flight_minor + $20::bigint,
                                          refunded_minor = refunded_minor + $21::bigint, updated_at = now()
                where id = (select ledger_id from r) and merchant_id = $22 and ($20::bigint <> 0 or $21::bigint <> 0))
            select * from r""";

    /**
     * A change under the refund's version check (a stale version writes nothing), and the ledger's movement; both
     * rows named within the refund's merchant ($22).
     */
    static final String SAVE = CHANGED + EVENT_AND_OWED + ",\n" + MOVED;

    /**
     * An operator's change: as {@link #SAVE}, with the operator named in the event ({@code $23}, the actor as JSON).
     * The store writes the audit trail's entry in the same transaction.
     */
    static final String SAVE_BY_OPERATOR = CHANGED + """
            logged as (
                insert into refund_events (refund_id, merchant_id, from_state, to_state, cause, connector_status,
                                           detail, actor)
                select r.id, r.merchant_id, $1::text, $2::text, $3::text, $4::text, $5::text, $23::jsonb from r
                where $2::text is not null),
            """ + OWED + ",\n" + MOVED;

    private RefundWrites() {}

    /** A new refund's insert, its values {@code $10}–{@code $21} and the event's state, on the ledger row named. */
    private static String newRefund(String ledgerId) {
        return """
                insert into refunds (merchant_id, merchant_refund_id, ledger_id, connector, connector_transaction_id,
                                     state, amount_minor, currency, reason, metadata, connector_options, fingerprint,
                                     psp_reference, next_action_at, created_at, updated_at)
                select $10::text, $11::text, %s, $12::text, $13::text, $2::text, $14::bigint, $15::text,
                       $16::text, $17::jsonb, $18::jsonb, $19::text, $20::text, $21::timestamptz,
                       clock_timestamp(), clock_timestamp()
                """.formatted(ledgerId);
    }

    /** {@code $1}–{@code $9}: the event (all null for none) and what it owes, for the refund of this PSP reference. */
    static Tuple eventAndOwed(Refund.Event event, Owed owed, String pspReference) {
        Tuple tuple = Tuple.tuple();
        if (event == null) {
            tuple.addValue(null).addValue(null).addValue(null).addValue(null).addValue(null);
        } else {
            tuple.addValue(event.from() == null ? null : event.from().name())
                    .addValue(event.to().name())
                    .addValue(event.cause().name())
                    .addValue(event.connectorStatus())
                    .addValue(event.detail());
        }
        tuple.addValue(owed.notificationId()).addValue(owed.notificationType());
        if (owed.wallet() == null) {
            tuple.addValue(null).addValue(null);
        } else if (owed.wallet() == Owed.WalletMove.ADJUSTMENT) {
            tuple.addValue(WALLET + ":" + pspReference).addValue(WALLET_ADJUSTMENT);
        } else {
            tuple.addValue(WALLET + ":" + pspReference + ":reversal").addValue(WALLET_REVERSAL);
        }
        return tuple;
    }
}
