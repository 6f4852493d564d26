package dev.refract.store;

/**
 * The statements of reconciliation's runs, each one round trip. Every write of a run's progress first locks the run's
 * row as its lease holder ({@link #OWNED}): a replica that lost the run to another (its lease passed and it was
 * claimed) matches no row and writes nothing, and one that holds it keeps the claimer waiting until its write is
 * committed, with the lease renewed. {@code QueryPlanTest} holds the reads to their indexes.
 */
final class ReconciliationQueries {

    private ReconciliationQueries() {}

    /** The run, locked, if {@code $3} holds it and it is running; {@code $1} merchant, {@code $2} run. */
    private static final String OWNED = """
            with run as (
                select merchant_id, id from reconciliation_runs
                where merchant_id = $1 and id = $2 and lease_owner = $3 and status = 'running'
                for update)""";

    static final String CREATE = """
            insert into reconciliation_runs (merchant_id, id, connector, window_from, window_to, source, started_by,
                                             status, phase, report)
            values ($1, $2, $3, $4, $5, $6, $7, 'running', 'psp', $8)
            returning *""";

    /** Every enabled account at a listing PSP gets the window's run, once: the unique index is the claim. */
    static final String SCHEDULE = """
            insert into reconciliation_runs (merchant_id, id, connector, window_from, window_to, source, started_by,
                                             status, phase)
            select a.merchant_id, 'rec_' || replace(gen_random_uuid()::text, '-', ''), a.connector, $1, $2, 'list',
                   'schedule', 'running', 'psp'
            from connector_accounts a
            where a.enabled and a.connector = any($3)
            on conflict (merchant_id, connector, window_from, window_to) where started_by = 'schedule' do nothing
            returning id""";

    /** A running run nobody holds: never leased first, then the one whose lease passed longest ago. */
    static final String CLAIM = """
            update reconciliation_runs set lease_owner = $1, lease_until = $3, updated_at = clock_timestamp()
            where (merchant_id, id) = (
                select merchant_id, id from reconciliation_runs
                where status = 'running' and (lease_until is null or lease_until < $2)
                order by lease_until nulls first limit 1
                for update skip locked)
            returning *""";

    static final String BY_ID = "select * from reconciliation_runs where id = $1";

    /**
     * Records items (arrays {@code $4}–{@code $9}) that are new, and answers every item of these keys as recorded: the
     * new ones, and those recorded before, which keep their first kind. {@code owned} is 0 when the lease is lost.
     */
    static final String RECORD = OWNED + """
            ,
            ins as (
                insert into reconciliation_items (merchant_id, run_id, item_key, kind, refund_id, merchant_refund_id,
                                                  connector_refund_id, detail)
                select $1, $2, t.k, t.kind, t.refund_id, t.mrid, t.crid, t.detail
                from unnest($4::text[], $5::text[], $6::bigint[], $7::text[], $8::text[], $9::text[])
                     as t(k, kind, refund_id, mrid, crid, detail)
                where exists (select 1 from run)
                on conflict (merchant_id, run_id, item_key) do nothing
                returning item_key, kind, refund_id, merchant_refund_id, connector_refund_id, detail)
            select (select count(*) from run) as owned, x.*
            from (select item_key, kind, refund_id, merchant_refund_id, connector_refund_id, detail from ins
                  union all
                  select item_key, kind, refund_id, merchant_refund_id, connector_refund_id, detail
                  from reconciliation_items
                  where merchant_id = $1 and run_id = $2 and item_key = any($4::text[])) x""";

    static final String REVISE = OWNED + """
            update reconciliation_items i set kind = $5, detail = $6
            from run
            where i.merchant_id = run.merchant_id and i.run_id = run.id and i.item_key = $4 and not i.counted""";

    /** Counts the items of {@code $4} not counted yet, and moves the run to ({@code $5}, {@code $6}, {@code $7}). */
    static final String CHECKPOINT = OWNED + """
            ,
            counted as (
                update reconciliation_items set counted = true
                where merchant_id = $1 and run_id = $2 and item_key = any($4::text[]) and not counted
                  and exists (select 1 from run)
                returning kind)
            update reconciliation_runs r set
                matched = matched + (select count(*) from counted where kind = 'matched'),
                adopted = adopted + (select count(*) from counted where kind = 'adopted'),
                mismatched = mismatched + (select count(*) from counted where kind = 'mismatched'),
                missing_at_psp = missing_at_psp + (select count(*) from counted where kind = 'missing_at_psp'),
                phase = $5, scope = $6, cursor = $7, psp_records = psp_records + $8, lease_until = $9,
                updated_at = clock_timestamp()
            from run
            where r.merchant_id = run.merchant_id and r.id = run.id
            returning r.*""";

    /**
     * Ends the run. A failed run forgets the items it had not counted (the page it stopped on); either way its staged
     * report records are no longer needed.
     */
    static final String FINISH = OWNED + """
            ,
            forgotten as (
                delete from reconciliation_items
                where merchant_id = $1 and run_id = $2 and not counted and $4 = 'failed'
                  and exists (select 1 from run)),
            unstaged as (
                delete from reconciliation_psp_records
                where merchant_id = $1 and run_id = $2 and exists (select 1 from run))
            update reconciliation_runs r set
                status = $4, phase = case when $4 = 'completed' then 'done' else r.phase end, failure = $5,
                stopped_at = $6, finished_at = clock_timestamp(), lease_owner = null, lease_until = null,
                updated_at = clock_timestamp()
            from run
            where r.merchant_id = run.merchant_id and r.id = run.id
            returning r.*""";

    /** The merchant's ($4) refunds of these PSP ids (of a connector) or PSP references. */
    static final String REFUNDS_OF = """
            select * from refunds where connector = $1 and connector_refund_id = any($2::text[]) and merchant_id = $4
            union all
            select * from refunds where psp_reference = any($3::text[]) and merchant_id = $4""";

    static final String RESOLVED_BY_OPERATOR = "select distinct refund_id from refund_events"
            + " where refund_id = any($1::bigint[]) and merchant_id = $2 and cause = 'OPERATOR'";

    /**
     * The window's refunds the PSP named, after a position, in creation order: read backwards along the merchant's
     * newest-first index, the refunds of the merchant's other PSPs passed over. No index of its own: one that named
     * the connector would be offered to the webhooks' read by PSP refund id, and chosen there on an empty table.
     */
    static final String WINDOW = """
            select * from refunds
            where merchant_id = $1 and created_at >= $3 and created_at < $4 and (created_at, id) > ($5, $6)
              and connector = $2 and connector_refund_id is not null
            order by created_at, id limit $7""";

    /** The same, SUCCEEDED and not seen at the PSP by run {@code $8}. */
    static final String UNSEEN = """
            select * from refunds
            where merchant_id = $1 and created_at >= $3 and created_at < $4 and (created_at, id) > ($5, $6)
              and connector = $2 and connector_refund_id is not null and state = 'SUCCEEDED'
              and not exists (select 1 from reconciliation_items i
                              where i.merchant_id = $1 and i.run_id = $8 and i.refund_id = refunds.id)
            order by created_at, id limit $7""";

    static final String NEXT_PAYMENT = """
            select connector_transaction_id from payment_ledger
            where merchant_id = $1 and connector_transaction_id > $3 and connector = $2
            order by connector_transaction_id limit 1""";

    static final String STAGE = """
            insert into reconciliation_psp_records (merchant_id, run_id, line, connector_refund_id, reference,
                                                    payment_id, outcome, connector_status, minor_amount, currency,
                                                    psp_created_at, adoptable)
            select $1, $2, t.line, t.crid, t.ref, t.payment, t.outcome, t.status, t.minor::numeric, t.currency,
                   t.created::timestamptz, t.adoptable
            from unnest($3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
                        $10::text[], $11::text[], $12::boolean[])
                 as t(line, crid, ref, payment, outcome, status, minor, currency, created, adoptable)""";

    static final String STAGED = """
            select * from reconciliation_psp_records
            where merchant_id = $1 and run_id = $2 and line > $3 order by line limit $4""";

    static final String DISCARD = "delete from reconciliation_psp_records where merchant_id = $1 and run_id = $2";

    static final String PRUNE_STAGED = """
            delete from reconciliation_psp_records p
            where staged_at < $1
              and not exists (select 1 from reconciliation_runs r where r.merchant_id = p.merchant_id and r.id = p.run_id)""";
}
