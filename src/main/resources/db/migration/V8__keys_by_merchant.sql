-- Every table of a merchant's data carries merchant_id, and every key of it includes merchant_id: primary keys,
-- unique keys and the foreign keys between these tables. That is what a database distributed by merchant_id (Citus,
-- docs/scaling.md) needs to enforce them within one shard, and what keeps each statement of a merchant on one.
--
-- It runs while the previous release serves (the migrate Job comes first), on tables of millions of rows. So it runs
-- statement by statement, outside a transaction (it builds indexes CONCURRENTLY): scans and index builds take no lock
-- that stops writes, and every lock that does is held for one instant step (docs/scaling.md gives the measured
-- figures). Each step can be run again: after a failure, repair and migrate again, and it completes.
--
-- What the previous release still does is kept working: it inserts events without merchant_id (a trigger fills it
-- from the refund) and wallet moves with ON CONFLICT (event_id) (outbox_event_id_key stays until no replica of that
-- release is left).

-- a step that waits behind a long transaction would hold up every query queued behind it: fail it instead
set lock_timeout = '5s';

-- Runs a statement that needs locks which stop writes, taking them in the order given, each waited for a short
-- time: when one is not granted in time, everything is let go and tried again after a pause. So the migration never
-- holds one such lock while waiting long for another (the service takes a create's tables in one order and an
-- outcome's in another: waiting could deadlock one of them), and writes queue behind it only as long as it waits:
-- 100 ms at first, longer with each attempt that found the table never free for that long (a busy, slow server), up
-- to 1.5 s, past deadlock_timeout, which also cancels an autovacuum of the table that would otherwise hold it.
create or replace function pg_temp.locked(locks text[], statement text, done text default 'select false')
returns void language plpgsql as $$
declare
    already boolean;
    t text;
begin
    execute done into already;
    if already then
        return;
    end if;
    for attempt in 1..600 loop
        begin
            perform set_config('lock_timeout', least(100 * 1.25 ^ (attempt - 1), 1500)::int || 'ms', true);
            foreach t in array locks loop
                execute 'lock table ' || t;
            end loop;
            execute statement;
            return;
        exception when lock_not_available or deadlock_detected then
            perform pg_sleep(0.05 + random() * 0.2);
        end;
    end loop;
    raise exception 'V8 could not take % in 600 attempts', locks;
end;
$$;

-- an index build that failed in an earlier run leaves an invalid index behind: drop it, so that it is built again
do $$
declare
    leftover regclass;
begin
    for leftover in
        select i.indexrelid::regclass from pg_index i join pg_class c on c.oid = i.indexrelid
        where not i.indisvalid and c.relname in (
            'payment_ledger_id_merchant', 'refunds_id_merchant', 'refund_events_id_merchant',
            'webhook_events_id_merchant', 'outbox_id_merchant', 'refunds_psp_reference_merchant',
            'outbox_event_id_merchant', 'refunds_due_v8', 'refunds_by_connector_refund_v8',
            'outbox_delivered_v8', 'webhook_events_applied_v8')
    loop
        execute 'drop index ' || leftover;
    end loop;
end;
$$;

-- 1. The event log gets its merchant. Rows that the previous release inserts take it from their refund.
select pg_temp.locked(array['refund_events in access exclusive mode'],
    'alter table refund_events add column if not exists merchant_id text');

create or replace function refund_events_merchant_of_refund() returns trigger language plpgsql as $$
begin
    select r.merchant_id into new.merchant_id from refunds r where r.id = new.refund_id;
    return new;
end;
$$;

select pg_temp.locked(array['refund_events in share row exclusive mode'], $s$
    create or replace trigger refund_events_merchant_of_refund before insert on refund_events
        for each row when (new.merchant_id is null) execute function refund_events_merchant_of_refund()$s$);

-- The log is append-only, and stays so for everyone during the backfill: the guard lets through only an update that
-- sets a missing merchant_id and changes nothing else (the foreign key validated below proves it is the refund's).
create or replace function refund_events_append_only() returns trigger language plpgsql as $$
begin
    if tg_op = 'UPDATE' and old.merchant_id is null and new.merchant_id is not null
       and new.id = old.id and new.refund_id = old.refund_id
       and new.from_state is not distinct from old.from_state and new.to_state = old.to_state
       and new.cause = old.cause and new.connector_status is not distinct from old.connector_status
       and new.detail is not distinct from old.detail and new.created_at = old.created_at then
        return new;
    end if;
    raise exception 'refund_events is append-only';
end;
$$;

-- in batches of 10,000 by id, each committed: row locks only, held for one batch
do $$
declare
    next_id bigint := 0;
    last_id bigint;
begin
    select max(id) into last_id from refund_events where merchant_id is null;
    while next_id <= coalesce(last_id, -1) loop
        update refund_events e set merchant_id = r.merchant_id
        from refunds r
        where e.id >= next_id and e.id < next_id + 10000 and e.merchant_id is null and r.id = e.refund_id;
        next_id := next_id + 10000;
        commit;
    end loop;
end;
$$;

create or replace function refund_events_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'refund_events is append-only';
end;
$$;

-- NOT NULL proved by a validated check (a scan that lets writes go on), so that SET NOT NULL itself scans nothing
select pg_temp.locked(array['refund_events in access exclusive mode'], $s$
    alter table refund_events drop constraint if exists refund_events_merchant_id_set,
        add constraint refund_events_merchant_id_set check (merchant_id is not null) not valid$s$);
alter table refund_events validate constraint refund_events_merchant_id_set;
select pg_temp.locked(array['refund_events in access exclusive mode'],
    'alter table refund_events alter column merchant_id set not null');
select pg_temp.locked(array['refund_events in access exclusive mode'],
    'alter table refund_events drop constraint refund_events_merchant_id_set');

-- 2. The new keys, built without blocking writes.
create unique index concurrently if not exists payment_ledger_id_merchant on payment_ledger (id, merchant_id);
create unique index concurrently if not exists refunds_id_merchant on refunds (id, merchant_id);
create unique index concurrently if not exists refund_events_id_merchant on refund_events (id, merchant_id);
create unique index concurrently if not exists webhook_events_id_merchant on webhook_events (id, merchant_id);
create unique index concurrently if not exists outbox_id_merchant on outbox (id, merchant_id);
create unique index concurrently if not exists refunds_psp_reference_merchant on refunds (psp_reference, merchant_id);
create unique index concurrently if not exists outbox_event_id_merchant on outbox (event_id, merchant_id);

-- 3. Foreign keys that include merchant_id, in place of those on the id alone: added NOT VALID (no scan), validated
-- in step 5 (a scan that lets writes go on).
select pg_temp.locked(array['payment_ledger in share row exclusive mode', 'refunds in access exclusive mode'], $s$
    alter table refunds drop constraint if exists refunds_ledger_id_fkey,
        add constraint refunds_ledger_id_fkey foreign key (ledger_id, merchant_id)
            references payment_ledger (id, merchant_id) not valid$s$);
select pg_temp.locked(array['refunds in share row exclusive mode', 'refund_events in access exclusive mode'], $s$
    alter table refund_events drop constraint if exists refund_events_refund_id_fkey,
        add constraint refund_events_refund_id_fkey foreign key (refund_id, merchant_id)
            references refunds (id, merchant_id) not valid$s$);
select pg_temp.locked(array['refunds in share row exclusive mode', 'webhook_events in access exclusive mode'], $s$
    alter table webhook_events drop constraint if exists webhook_events_refund_id_fkey,
        add constraint webhook_events_refund_id_fkey foreign key (refund_id, merchant_id)
            references refunds (id, merchant_id) not valid$s$);
select pg_temp.locked(array['refunds in share row exclusive mode', 'outbox in access exclusive mode'], $s$
    alter table outbox drop constraint if exists outbox_refund_id_fkey,
        add constraint outbox_refund_id_fkey foreign key (refund_id, merchant_id)
            references refunds (id, merchant_id) not valid$s$);

-- 4. The primary keys and unique keys become the new indexes, under their names (so that a second run finds them):
-- each swap is one instant ALTER of one table, in a transaction of its own, the index being built already.
select pg_temp.locked(array['payment_ledger in access exclusive mode'], $s$
    alter table payment_ledger drop constraint if exists payment_ledger_pkey,
        add constraint payment_ledger_id_merchant primary key using index payment_ledger_id_merchant$s$,
    $s$select exists (select 1 from pg_constraint where conname = 'payment_ledger_id_merchant')$s$);
select pg_temp.locked(array['refunds in access exclusive mode'], $s$
    alter table refunds drop constraint if exists refunds_pkey,
        add constraint refunds_id_merchant primary key using index refunds_id_merchant$s$,
    $s$select exists (select 1 from pg_constraint where conname = 'refunds_id_merchant')$s$);
select pg_temp.locked(array['refund_events in access exclusive mode'], $s$
    alter table refund_events drop constraint if exists refund_events_pkey,
        add constraint refund_events_id_merchant primary key using index refund_events_id_merchant$s$,
    $s$select exists (select 1 from pg_constraint where conname = 'refund_events_id_merchant')$s$);
select pg_temp.locked(array['webhook_events in access exclusive mode'], $s$
    alter table webhook_events drop constraint if exists webhook_events_pkey,
        add constraint webhook_events_id_merchant primary key using index webhook_events_id_merchant$s$,
    $s$select exists (select 1 from pg_constraint where conname = 'webhook_events_id_merchant')$s$);
select pg_temp.locked(array['outbox in access exclusive mode'], $s$
    alter table outbox drop constraint if exists outbox_pkey,
        add constraint outbox_id_merchant primary key using index outbox_id_merchant$s$,
    $s$select exists (select 1 from pg_constraint where conname = 'outbox_id_merchant')$s$);
select pg_temp.locked(array['refunds in access exclusive mode'], $s$
    alter table refunds drop constraint if exists refunds_psp_reference_key,
        add constraint refunds_psp_reference_merchant unique using index refunds_psp_reference_merchant$s$,
    $s$select exists (select 1 from pg_constraint where conname = 'refunds_psp_reference_merchant')$s$);
select pg_temp.locked(array['outbox in access exclusive mode'],
    'alter table outbox add constraint outbox_event_id_merchant unique using index outbox_event_id_merchant',
    $s$select exists (select 1 from pg_constraint where conname = 'outbox_event_id_merchant')$s$);

-- 5. Validation reads every row, under a lock that lets reads and writes go on.
alter table refunds validate constraint refunds_ledger_id_fkey;
alter table refund_events validate constraint refund_events_refund_id_fkey;
alter table webhook_events validate constraint webhook_events_refund_id_fkey;
alter table outbox validate constraint outbox_refund_id_fkey;

-- 6. The indexes of the background work gain merchant_id after their ordering column: each run finds the merchants
-- with work, then claims each merchant's rows; the index answers "this merchant's, in order" without reading rows.
-- The PSP refund id's index does the same for a webhook's lookup within its merchant. (outbox_due stays as it is:
-- with merchant_id in it the planner prefers another index of the same rows that cannot order them by due time.)
create index concurrently if not exists refunds_due_v8 on refunds (next_action_at, merchant_id)
    where next_action_at is not null;
drop index concurrently if exists refunds_due;
alter index refunds_due_v8 rename to refunds_due;

create index concurrently if not exists refunds_by_connector_refund_v8
    on refunds (connector, connector_refund_id, merchant_id) where connector_refund_id is not null;
drop index concurrently if exists refunds_by_connector_refund;
alter index refunds_by_connector_refund_v8 rename to refunds_by_connector_refund;

create index concurrently if not exists outbox_delivered_v8 on outbox (delivered_at, merchant_id)
    where delivered_at is not null;
drop index concurrently if exists outbox_delivered;
alter index outbox_delivered_v8 rename to outbox_delivered;

create index concurrently if not exists webhook_events_applied_v8 on webhook_events (applied_at, merchant_id)
    where applied_at is not null;
drop index concurrently if exists webhook_events_applied;
alter index webhook_events_applied_v8 rename to webhook_events_applied;

drop function pg_temp.locked(text[], text, text);
reset lock_timeout;
