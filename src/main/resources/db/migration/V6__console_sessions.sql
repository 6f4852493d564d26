-- Operator console sign-ins. The browser holds a random session id; this table holds only its SHA-256, so a read of
-- the table (or of a backup) cannot be replayed as a session. Shared by every replica, so a session works behind any
-- of them and a sign-out ends it everywhere.
create table console_sessions (
    id_hash      text primary key,
    -- the synchronizer token every form that changes something must carry back
    csrf_token   text not null,
    created_at   timestamptz not null default now(),
    expires_at   timestamptz not null
);

create index console_sessions_expiry on console_sessions (expires_at);

-- One refund's page in the console: the webhooks applied to it and every outbox item it owed, delivered or not
create index webhook_events_by_refund on webhook_events (refund_id) where refund_id is not null;
create index outbox_by_refund on outbox (refund_id);
-- Needs attention: the refunds made outside Refract lately, oldest first. Only adopted refunds are in it.
create index refunds_external_by_time on refunds (created_at) where external;
