-- A key's id begins with its creation time (microseconds since 1970, 13 hex digits), then 76 random bits: ids in
-- order are keys in the order they were made, so the primary key also lists a merchant's keys newest first.
create function api_key_id(at timestamptz) returns text language sql volatile as $$
    select 'key_' || lpad(to_hex((extract(epoch from at) * 1000000)::bigint), 13, '0')
        || substr(replace(gen_random_uuid()::text, '-', ''), 1, 19)
$$;

-- A merchant's API keys: any number, each named, full or read-only, expiring, revocable. Only the SHA-256 of a key
-- is stored (keys are 256-bit random, so a fast hash is enough and the lookup stays an index lookup).
create table api_keys (
    merchant_id   text not null references merchants (id),
    id            text not null default api_key_id(now()) check (id ~ '^key_[0-9a-f]{32}$'),
    name          text not null check (length(name) between 1 and 100),
    mode          text not null check (mode in ('full', 'read_only')),
    key_hash      text not null,
    -- "rk_" and the next 6 characters of the key, to tell keys apart; null for the keys made before this table,
    -- of which only the hash was ever stored
    prefix        text,
    created_at    timestamptz not null default now(),
    expires_at    timestamptz,
    revoked_at    timestamptz,
    -- to the minute, written by each replica at most once a minute per key (never once per request)
    last_used_at  timestamptz,
    -- leads with the merchant: a key is addressed, and a merchant's keys listed, within the merchant
    primary key (merchant_id, id),
    -- the one key that is not per merchant: a request names no merchant, only its key, and a key must belong to
    -- exactly one merchant
    constraint api_keys_key_hash_key unique (key_hash)
);

-- Every merchant's one key so far becomes its first key, named default, full; its hash is all there is of it.
insert into api_keys (merchant_id, id, name, mode, key_hash, created_at)
select id, api_key_id(created_at), 'default', 'full', api_key_hash, created_at
from merchants;

-- merchants.api_key_hash stays for the builds before this one, which still serve during a rolling update: they
-- authenticate by it alone. Merchants created since carry their default key's hash there too, a revoked key's hash
-- is removed from it, and a merchant such a build creates gets its default key here by this trigger. A later
-- migration drops the column and the trigger, once no build before this one runs.
alter table merchants alter column api_key_hash drop not null;

create function merchants_default_api_key() returns trigger language plpgsql as $$
begin
    insert into api_keys (merchant_id, id, name, mode, key_hash, created_at)
    values (new.id, api_key_id(new.created_at), 'default', 'full', new.api_key_hash, new.created_at)
    on conflict (key_hash) do nothing;
    return null;
end;
$$;

create trigger merchants_default_api_key
    after insert on merchants
    for each row when (new.api_key_hash is not null)
    execute function merchants_default_api_key();

-- A replaced webhook secret keeps verifying (a PSP's webhooks) or signing (a merchant's notifications) for a grace
-- period after it was replaced, encrypted like the current one and bound to its own field.
alter table connector_accounts
    add column previous_webhook_secret_enc text,
    add column webhook_secret_replaced_at timestamptz,
    add constraint connector_accounts_previous_secret_replaced
        check ((previous_webhook_secret_enc is null) = (webhook_secret_replaced_at is null));

alter table merchants
    add column previous_webhook_secret_enc text,
    add column webhook_secret_replaced_at timestamptz,
    add constraint merchants_previous_secret_replaced
        check ((previous_webhook_secret_enc is null) = (webhook_secret_replaced_at is null));
