-- Operators who sign in as themselves, and the audit trail of what they do.

-- Every operator action with its actor, newest first by id. Not a merchant's data: an operator's action may span
-- merchants, or none (a documented exception to the rule that every table leads with merchant_id). Where the target
-- is a merchant's (merchants/{id}/...), its merchant_id is carried for filtering; it is not a foreign key, so that
-- the trail never holds a lock on, or depends on, the merchant it names.
create table audit_log (
    id             bigint generated always as identity primary key,
    at             timestamptz not null default clock_timestamp(),
    -- who: an operator signed in through the OpenID Connect provider (its subject and display name), or the static
    -- admin token, which names nobody
    actor_kind     text not null check (actor_kind in ('operator', 'admin_token')),
    actor_subject  text,
    actor_name     text,
    action         text not null check (action ~ '^[a-z_]+\.[a-z_]+$'),
    target         text not null,
    merchant_id    text,
    -- what the action set, in words and names: never a secret, key or token (AuditEntry refuses them)
    detail         jsonb not null default '{}' check (jsonb_typeof(detail) = 'object'),
    constraint audit_log_actor check (
        (actor_kind = 'operator' and actor_subject is not null)
        or (actor_kind = 'admin_token' and actor_subject is null and actor_name is null))
);

-- the filters of GET /admin/v1/audit and of the console's Audit page, each walked newest first
create index audit_log_by_actor on audit_log (actor_kind, actor_subject, id desc);
create index audit_log_by_action on audit_log (action, id desc);
create index audit_log_by_target on audit_log (target, id desc);
create index audit_log_by_merchant on audit_log (merchant_id, id desc) where merchant_id is not null;

-- The trail is append-only, as the refund event log is: evidence that nobody may rewrite.
create function audit_log_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'audit_log is append-only';
end;
$$;

create trigger audit_log_no_update_or_delete
    before update or delete on audit_log
    for each row execute function audit_log_append_only();

create trigger audit_log_no_truncate
    before truncate on audit_log
    for each statement execute function audit_log_append_only();

-- The operator of an OPERATOR event, as the audit trail names it ({"kind", "subject", "name"}); null for the changes
-- the API, a PSP, a webhook or the janitor made.
alter table refund_events add column actor jsonb;

-- A console session is someone's: the operator who signed in through the provider, or the admin token; and the
-- role it was given at sign-in. Sessions made before this were the admin token's, which acts as an admin.
alter table console_sessions
    add column actor_kind text not null default 'admin_token' check (actor_kind in ('operator', 'admin_token')),
    add column actor_subject text,
    add column actor_name text,
    add column role text not null default 'admin' check (role in ('viewer', 'operator', 'admin'));
-- from now on every sign-in says whose session it is
alter table console_sessions alter column actor_kind drop default, alter column role drop default;

-- Four eyes: a large MANUAL_REVIEW resolution proposed by one operator, waiting for a second to confirm it with the
-- same decision. At most one per refund; it holds only for the refund's version it was made on, and until it
-- expires. A merchant's data: keyed by the refund's (merchant_id, merchant_refund_id).
create table resolution_proposals (
    merchant_id            text not null,
    merchant_refund_id     text not null,
    refund_version         bigint not null,
    status                 text not null check (status in ('SUCCEEDED', 'FAILED')),
    reason                 text not null,
    refunded_minor_amount  bigint check (refunded_minor_amount > 0),
    proposed_by_subject    text not null,
    proposed_by_name       text,
    proposed_at            timestamptz not null default now(),
    primary key (merchant_id, merchant_refund_id),
    foreign key (merchant_id, merchant_refund_id) references refunds (merchant_id, merchant_refund_id)
);
