-- The console's PSP page shows the fleet, not only the replica that serves it: each replica reports its PSP calls
-- of the last minutes, slot by slot, and its circuit breakers' states, every few seconds. Unlogged: these are a
-- view of the last quarter of an hour, rewritten all the time; a crash that empties them loses a few minutes of
-- charts, and they cost no WAL. The reporters delete what is older than the page's window.
create unlogged table psp_call_slots (
    replica       text not null,
    connector     text not null,
    slot_start    timestamptz not null,
    attempts      bigint not null,
    failures      bigint not null,
    refused       bigint not null,
    total_millis  bigint not null,
    max_millis    bigint not null,
    primary key (replica, connector, slot_start)
);

create index psp_call_slots_by_time on psp_call_slots (slot_start);

create unlogged table psp_breakers (
    replica      text not null,
    connector    text not null,
    state        text not null,
    reported_at  timestamptz not null,
    primary key (replica, connector)
);

create index psp_breakers_by_time on psp_breakers (reported_at);
