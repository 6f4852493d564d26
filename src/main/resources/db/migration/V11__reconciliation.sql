-- Reconciliation: Refract's books checked against each PSP's own records. A run reconciles one merchant's account at one
-- PSP over a window of time. It reads the PSP's side page by page and keeps where it is (phase, scope, cursor) with
-- every page it finishes, so that another replica finishes a run whose replica died; every record it looked at is one
-- row of reconciliation_items, written once, so that a run resumed after a crash counts nothing twice.

-- It runs while the previous release serves, as V8 does: statement by statement, outside a transaction (the index on
-- the event log is built CONCURRENTLY), each step can be run again, and a step that waits behind a long transaction
-- fails rather than hold up the queries queued behind it.
set lock_timeout = '5s';

-- what reconciliation changes in a refund is logged as its own cause: the new check is added without reading the
-- event log under the lock that stops writes (NOT VALID, one instant step), then validated under a lock that lets
-- writes go on
alter table refund_events drop constraint if exists refund_events_cause_check,
    add constraint refund_events_cause_check
    check (cause in ('API', 'PSP', 'SYNC', 'JANITOR', 'WEBHOOK', 'OPERATOR', 'RECONCILIATION')) not valid;
alter table refund_events validate constraint refund_events_cause_check;

create table if not exists reconciliation_runs (
    merchant_id     text not null references merchants (id),
    id              text not null check (id ~ '^rec_[0-9a-f]{32}$'),
    connector       text not null,
    window_from     timestamptz not null,
    window_to       timestamptz not null,
    -- where the PSP's side comes from: its refund list, a status read of each of the window's refunds, or a report an
    -- operator uploaded (its records staged in reconciliation_psp_records)
    source          text not null check (source in ('list', 'status_reads', 'report')),
    started_by      text not null check (started_by in ('operator', 'schedule')),
    status          text not null check (status in ('running', 'completed', 'failed')),
    -- psp: the PSP's records are being matched; missing: Refract's refunds the PSP did not show are being looked for
    phase           text not null default 'psp' check (phase in ('psp', 'missing', 'done')),
    -- where the phase resumes: the payment being listed (PSPs that list per payment) and the position within it
    scope           text,
    cursor          text,
    psp_records     bigint not null default 0,
    matched         bigint not null default 0,
    adopted         bigint not null default 0,
    mismatched      bigint not null default 0,
    missing_at_psp  bigint not null default 0,
    -- a failed run: why, and the last record it had finished with
    failure         text,
    stopped_at      text,
    -- an uploaded report: what it held
    report          jsonb,
    -- the replica working the run, until when; another replica takes it over once the lease has passed
    lease_owner     text,
    lease_until     timestamptz,
    started_at      timestamptz not null default clock_timestamp(),
    finished_at     timestamptz,
    updated_at      timestamptz not null default clock_timestamp(),
    primary key (merchant_id, id),
    check (window_from < window_to)
);

-- the daily schedule's claim: every replica inserts the previous day's run of each account, only one row can exist
create unique index if not exists reconciliation_runs_scheduled_once on reconciliation_runs (merchant_id, connector, window_from, window_to)
    where started_by = 'schedule';
-- GET /admin/v1/reconciliations/{id}: ids are random, so the merchant is not part of the question
create index if not exists reconciliation_runs_by_id on reconciliation_runs (id);
create index if not exists reconciliation_runs_newest on reconciliation_runs (merchant_id, started_at desc, id desc);
create index if not exists reconciliation_runs_all_newest on reconciliation_runs (started_at desc, id desc);
-- runs a replica may take: running, and nobody's lease current
create index if not exists reconciliation_runs_claimable on reconciliation_runs (lease_until) where status = 'running';
-- each account's latest runs, for the gauges
create index if not exists reconciliation_runs_by_account on reconciliation_runs (merchant_id, connector, started_at desc);

-- Every record a run looked at: a PSP refund (item_key 'psp:<PSP refund id>') or a Refract refund the PSP did not show
-- ('refund:<id>'). Its kind is decided the first time the record is seen and kept: a run that resumes a page acts again
-- (every action is idempotent) but counts what this row says, and counts it once (counted).
create table if not exists reconciliation_items (
    merchant_id          text not null,
    run_id               text not null,
    item_key             text not null,
    seq                  bigint generated always as identity,
    kind                 text not null check (kind in ('matched', 'adopted', 'mismatched', 'missing_at_psp')),
    refund_id            bigint,
    merchant_refund_id   text,
    connector_refund_id  text,
    detail               text,
    counted              boolean not null default false,
    created_at           timestamptz not null default clock_timestamp(),
    primary key (merchant_id, run_id, item_key),
    foreign key (merchant_id, run_id) references reconciliation_runs (merchant_id, id)
);

-- a run's exceptions in the order they were found
create index if not exists reconciliation_items_exceptions on reconciliation_items (merchant_id, run_id, seq) where kind <> 'matched';
-- which of Refract's refunds a run has seen at the PSP (the missing_at_psp sweep's anti-join)
create index if not exists reconciliation_items_by_refund on reconciliation_items (merchant_id, run_id, refund_id)
    where refund_id is not null;
-- Needs attention: recent exceptions an operator must look at
create index if not exists reconciliation_items_attention on reconciliation_items (created_at)
    where kind in ('mismatched', 'missing_at_psp');

-- The refunds of an uploaded report (Adyen's Settlement details report), staged while the upload streams in and read
-- back by the run page by page. Written under a run id before the run exists: an upload that fails (a truncated
-- file, one too large) deletes them; one lost to a crash leaves rows no run names, deleted an hour later.
create table if not exists reconciliation_psp_records (
    merchant_id          text not null references merchants (id),
    run_id               text not null,
    line                 bigint not null,
    connector_refund_id  text not null,
    reference            text,
    payment_id           text,
    outcome              text not null check (outcome in ('succeeded', 'pending', 'failed')),
    connector_status     text,
    -- exact ISO minor units; fractional when the PSP's amount is no whole number of them (so it can never match)
    minor_amount         numeric,
    currency             text,
    psp_created_at       timestamptz,
    -- whether Refract may adopt it, should it have no refund of it (as a webhook about it would be adopted)
    adoptable            boolean not null,
    staged_at            timestamptz not null default clock_timestamp(),
    primary key (merchant_id, run_id, line)
);

create index if not exists reconciliation_psp_records_staged on reconciliation_psp_records (staged_at);

-- Which refunds of a page an operator has settled, whose decision a run's findings do not overturn: only operators'
-- events are in it, so a page's question reads a handful of rows whatever the size of the event log.
create index concurrently if not exists refund_events_by_operator on refund_events (refund_id) where cause = 'OPERATOR';
