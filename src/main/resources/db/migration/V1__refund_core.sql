-- Refract's refund core: merchants, their PSP accounts, one ledger row per refunded payment, refunds, and the
-- append-only log of every refund change.

create table merchants (
    id                  text primary key check (id ~ '^[A-Za-z0-9_.:-]{1,64}$'),
    name                text not null,
    -- hex SHA-256 of the API key: keys are 256-bit random, so a fast hash is enough and lookups stay indexable
    api_key_hash        text not null unique,
    default_connector   text,
    webhook_url         text,
    webhook_secret_enc  text,
    created_at          timestamptz not null default now(),
    updated_at          timestamptz not null default now()
);

create table connector_accounts (
    merchant_id         text not null references merchants (id),
    connector           text not null,
    enabled             boolean not null,
    -- AES-GCM ciphertexts (see SecretBox); never the plain values
    credentials_enc     text not null,
    webhook_secret_enc  text,
    -- JSON object of non-secret settings (e.g. Adyen merchant_account)
    settings            text not null default '{}',
    created_at          timestamptz not null default now(),
    updated_at          timestamptz not null default now(),
    primary key (merchant_id, connector)
);

-- One row per refunded payment. Every create locks it while it checks and reserves the amount, so concurrent
-- partial refunds are serialised per payment and never sum past the captured amount.
create table payment_ledger (
    id                        bigint generated always as identity primary key,
    merchant_id               text not null references merchants (id),
    connector                 text not null,
    connector_transaction_id  text not null,
    currency                  char(3),
    captured_minor            bigint check (captured_minor > 0),
    in_flight_minor           bigint not null default 0 check (in_flight_minor >= 0),
    refunded_minor            bigint not null default 0 check (refunded_minor >= 0),
    created_at                timestamptz not null default now(),
    updated_at                timestamptz not null default now(),
    unique (merchant_id, connector_transaction_id),
    -- the last line of defence of "never over-refunded"
    constraint ledger_within_captured
        check (captured_minor is null or in_flight_minor + refunded_minor <= captured_minor)
);

create table refunds (
    id                        bigint generated always as identity primary key,
    merchant_id               text not null references merchants (id),
    merchant_refund_id        text not null,
    ledger_id                 bigint not null references payment_ledger (id),
    connector                 text not null,
    connector_transaction_id  text not null,
    connector_refund_id       text,
    state                     text not null
        check (state in ('RECEIVED', 'UNKNOWN', 'PENDING', 'MANUAL_REVIEW', 'SUCCEEDED', 'FAILED')),
    connector_status          text,
    amount_minor              bigint not null check (amount_minor > 0),
    currency                  char(3) not null,
    reason                    text,
    metadata                  jsonb not null default '{}',
    connector_options         jsonb not null default '{}',
    connector_details         jsonb not null default '{}',
    error                     jsonb,
    -- SHA-256 of every request parameter: a replay with other parameters is a 409, never a second refund
    fingerprint               text not null,
    -- the PSP idempotency key / reference, derived once and sent on every resend
    psp_reference             text not null unique,
    attempts                  integer not null default 0,
    -- when the janitor should next look at it; null once final
    next_action_at            timestamptz,
    version                   bigint not null default 0,
    created_at                timestamptz not null,
    updated_at                timestamptz not null,
    unique (merchant_id, merchant_refund_id)
);

create index refunds_due on refunds (next_action_at) where next_action_at is not null;
create index refunds_newest_first on refunds (merchant_id, created_at desc, id desc);
create index refunds_by_payment on refunds (merchant_id, connector_transaction_id);
create index refunds_by_connector_refund on refunds (connector, connector_refund_id)
    where connector_refund_id is not null;

create table refund_events (
    id                bigint generated always as identity primary key,
    refund_id         bigint not null references refunds (id),
    from_state        text,
    to_state          text not null,
    cause             text not null check (cause in ('API', 'PSP', 'SYNC', 'JANITOR', 'WEBHOOK', 'OPERATOR')),
    connector_status  text,
    detail            text,
    created_at        timestamptz not null default now()
);

create index refund_events_by_refund on refund_events (refund_id, id);

-- The event log is append-only: history is evidence, so nothing may rewrite it.
create function refund_events_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'refund_events is append-only';
end;
$$;

create trigger refund_events_no_update_or_delete
    before update or delete on refund_events
    for each row execute function refund_events_append_only();
