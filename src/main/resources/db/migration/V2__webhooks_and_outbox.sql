-- PSP webhooks, stored before they are applied, and the outbox of what Refract tells others (merchant
-- notifications, Credyt wallet adjustments), written in the same transaction as the change it reports.

create table webhook_events (
    id                   bigint generated always as identity primary key,
    merchant_id          text not null references merchants (id),
    connector            text not null,
    -- the PSP's event id (Stripe evt_…; Adyen pspReference:eventCode): a redelivery is recognised by it
    event_id             text not null,
    event_type           text,
    connector_refund_id  text,
    merchant_refund_id   text,
    payload              jsonb not null,
    received_at          timestamptz not null default now(),
    -- set once the event was applied to its refund; null for refunds we do not know (kept for reconciliation)
    refund_id            bigint references refunds (id),
    applied_at           timestamptz,
    unique (merchant_id, connector, event_id)
);

create index webhook_events_unmatched on webhook_events (merchant_id, connector_refund_id) where applied_at is null;

create table outbox (
    id               bigint generated always as identity primary key,
    merchant_id      text not null references merchants (id),
    refund_id        bigint not null references refunds (id),
    kind             text not null check (kind in ('notification', 'credyt')),
    -- evt_… for notifications, the adjustment's transaction_id for Credyt: stable across redeliveries
    event_id         text not null unique,
    event_type       text not null,
    -- the refund as it was at the change, so every notification shows its own moment
    payload          jsonb not null,
    attempts         integer not null default 0,
    next_attempt_at  timestamptz not null default now(),
    delivered_at     timestamptz,
    last_error       text,
    created_at       timestamptz not null default clock_timestamp()
);

create index outbox_due on outbox (next_attempt_at) where delivered_at is null;
create index outbox_pending_by_refund on outbox (refund_id, kind, id) where delivered_at is null;
