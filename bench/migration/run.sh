#!/usr/bin/env bash
# What applying V8 costs a running service on a database with data: loads ROWS refunds (two events, one outbox row and
# one webhook event each) into a throw-away PostgreSQL 15 at V7, then applies V8 statement by statement (as Flyway
# does: it runs outside a transaction) while pgbench writes as a replica of the previous release does. Prints each
# step's time, every lock that blocks writes which V8 held (sampled every 10 ms) and for how long, and the writers'
# latencies: the longest is the stall a merchant would see. Needs Debian's postgresql package.
#
#   bench/migration/run.sh [ROWS] [WRITE_RATE]
#   bench/migration/run.sh 1000000 200
set -euo pipefail
cd "$(dirname "$0")/../.."
ROWS=${1:-1000000}
RATE=${2:-200}
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PORT=${PORT:-55442}
WORK=$(mktemp -d /tmp/refract-migration.XXXXXX)
chmod 777 "$WORK"
RUN_AS=()
[ "$(id -u)" = 0 ] && RUN_AS=(runuser -u postgres --)
cleanup() {
  [ -n "${WRITERS:-}" ] && kill "$WRITERS" 2>/dev/null || true
  "${RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$WORK/pg" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
"${RUN_AS[@]}" "$PG_BIN/initdb" -D "$WORK/pg" -A trust -U postgres >/dev/null
"${RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$WORK/pg" -l "$WORK/pg.log" \
  -o "-p $PORT -k $WORK -c listen_addresses='' -c shared_buffers=256MB -c max_wal_size=4GB" start >/dev/null
PSQL=(psql -h "$WORK" -p "$PORT" -U postgres -v ON_ERROR_STOP=1 -q)
MIGRATIONS=src/main/resources/db/migration
for v in 1 2 3 4 5 6 7; do "${PSQL[@]}" -1 -f "$MIGRATIONS"/V${v}__*.sql >/dev/null; done

T0=$(date +%s)
"${PSQL[@]}" <<SQL
-- the load is not what is measured: no foreign key checks while it runs (the data is consistent by construction)
set session_replication_role = replica;
insert into merchants (id, name, api_key_hash) select 'm' || g, 'M' || g, 'h' || g from generate_series(0, 99) g;
insert into merchants (id, name, api_key_hash, webhook_url) values ('m_load', 'Load', 'hload', 'http://x');
insert into payment_ledger (merchant_id, connector, connector_transaction_id, currency, captured_minor, refunded_minor)
  select 'm' || (g % 100), 'sandbox', 'p' || g, 'USD', 1000, 1000 from generate_series(1, $ROWS) g;
insert into refunds (merchant_id, merchant_refund_id, ledger_id, connector, connector_transaction_id,
    connector_refund_id, state, amount_minor, currency, fingerprint, psp_reference, created_at, updated_at)
  select merchant_id, 'r' || id, id, 'sandbox', connector_transaction_id, 're' || id, 'SUCCEEDED', 1000, 'USD', 'f',
    'rf' || id, now() - interval '30 days', now() - interval '30 days' from payment_ledger;
insert into refund_events (refund_id, from_state, to_state, cause) select id, null, 'RECEIVED', 'API' from refunds;
insert into refund_events (refund_id, from_state, to_state, cause) select id, 'RECEIVED', 'SUCCEEDED', 'PSP' from refunds;
insert into outbox (merchant_id, refund_id, kind, event_id, event_type, payload, delivered_at)
  select merchant_id, id, 'notification', 'evt' || id, 'refund.succeeded', '{}',
    case when id % 10 <> 0 then now() - interval '1 day' end from refunds;
insert into webhook_events (merchant_id, connector, event_id, connector_refund_id, payload, refund_id, applied_at)
  select merchant_id, 'sandbox', 'we' || id, connector_refund_id, '{}', id, now() - interval '1 day' from refunds;
reset session_replication_role;
vacuum analyze;
checkpoint;
SQL
echo "loaded $ROWS refunds, $(( ROWS * 2 )) events, $ROWS outbox rows, $ROWS webhook events in $(( $(date +%s) - T0 )) s"

# the locks V8's session holds that stop writes (or reads), sampled until the migration ends
"${PSQL[@]}" -c "create unlogged table lock_samples (at timestamptz, relation text, mode text)"
"${PSQL[@]}" -c "create unlogged table migration_done (done boolean)"
"${PSQL[@]}" > "$WORK/sampler.log" 2>&1 <<'SQL' &
do $$
begin
  for i in 1..60000 loop
    exit when exists (select 1 from migration_done);
    insert into lock_samples
      select clock_timestamp(), coalesce(l.relation::regclass::text, l.locktype), l.mode
      from pg_locks l join pg_stat_activity a on a.pid = l.pid
      where a.application_name = 'refract-v8' and l.granted
        and l.mode in ('ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock')
        and l.locktype = 'relation';
    -- and each writer waiting for a lock on a table, by the writer: how long the previous release was held up
    insert into lock_samples
      select clock_timestamp(), 'writer ' || a.pid || ' waits on ' || coalesce(l.relation::regclass::text, l.locktype),
             'waiting'
      from pg_locks l join pg_stat_activity a on a.pid = l.pid
      where a.application_name = 'pgbench' and not l.granted;
    commit;
    perform pg_sleep(0.01);
  end loop;
end $$;
SQL
SAMPLER=$!

pgbench -h "$WORK" -p "$PORT" -U postgres -n -f bench/migration/v7-writes.pgbench -c 4 -j 2 -R "$RATE" -T 100000 \
  -l --log-prefix="$WORK/writes" postgres > "$WORK/pgbench.log" 2>&1 &
WRITERS=$!
sleep 10
echo "== V8 while the previous release writes at $RATE creates/s"
T0=$(date +%s%N)
START_S=$(date +%s)
PGAPPNAME=refract-v8 psql -h "$WORK" -p "$PORT" -U postgres -v ON_ERROR_STOP=1 -q -e \
  -c '\timing on' -f "$MIGRATIONS"/V8__*.sql 2>&1 | awk '
    /^Time: / { t = $2; sub(/^[ \t]+/, "", s); if (t + 0 >= 50) printf "%9.0f ms  %s\n", t, substr(s, 1, 90); s = ""; next }
    /ERROR|FATAL|DETAIL/ { print }
    /^(set|do|alter|create|drop|reset|--)/ { if (s == "") s = $0 } { }'
MIGRATED_MS=$(( ($(date +%s%N) - T0) / 1000000 ))
END_S=$(date +%s)
sleep 5
kill "$WRITERS"; wait "$WRITERS" 2>/dev/null || true; WRITERS=
"${PSQL[@]}" -c "insert into migration_done values (true)"
wait "$SAMPLER" || true
echo "V8 applied in $MIGRATED_MS ms (steps of 50 ms and more above)"
echo "== locks of V8 that stop writes, held (and writers' waits for a lock), as sampled every 10 ms, longest first"
"${PSQL[@]}" -c "with s as (
    select *, case when at - lag(at) over w > interval '40 ms' or lag(at) over w is null then 1 else 0 end as starts
    from lock_samples where mode <> 'waiting' window w as (partition by relation, mode order by at)),
  held as (select *, sum(starts) over (partition by relation, mode order by at) as hold from s)
  select relation, mode, count(distinct hold) as times_held,
    max(ms) as longest_ms from (select relation, mode, hold,
      round(extract(epoch from max(at) - min(at)) * 1000) + 10 as ms from held group by relation, mode, hold) h
  group by relation, mode order by longest_ms desc limit 12"
"${PSQL[@]}" -c "with s as (
    select *, case when at - lag(at) over w > interval '40 ms' or lag(at) over w is null then 1 else 0 end as starts
    from lock_samples where mode = 'waiting' window w as (partition by relation order by at)),
  held as (select *, sum(starts) over (partition by relation order by at) as wait from s),
  waits as (select split_part(relation, ' waits on ', 2) as on_table,
      round(extract(epoch from max(at) - min(at)) * 1000) + 10 as ms from held group by relation, wait)
  select on_table as writers_waited_on, count(*) as waits, max(ms) as longest_ms,
    count(*) filter (where ms > 100) as over_100_ms from waits group by on_table order by longest_ms desc"
latencies() { # FROM TO (epoch seconds): the writers' latencies (schedule lag included) of what started then
  cat "$WORK"/writes* | awk -v from="$1" -v to="$2" '$5 >= from && $5 <= to { print $3 / 1000 }' | sort -n \
  | awk '{ a[++n] = $1; if ($1 > 100) slow++; if ($1 > 1000) stalled++ }
  END { printf "transactions %d, p50 %.1f ms, p99 %.1f ms, max %.1f ms, over 100 ms %d, over 1 s %d\n",
        n, a[int(n * 0.5)], a[int(n * 0.99)], a[n], slow, stalled }'
}
echo "== the previous release's writes (ms per create or outcome, schedule lag included)"
echo "before V8: $(latencies 0 $(( START_S - 1 )))"
echo "during V8: $(latencies "$START_S" "$END_S")"

echo "writers that failed (an error aborts a pgbench client): $(grep -c 'aborted' "$WORK/pgbench.log" || true)"
grep -i "error" "$WORK/pgbench.log" | head -3 || true
"${PSQL[@]}" -tAc "select 'check: events without merchant ' || count(*) filter (where merchant_id is null) || ', events ' || count(*) from refund_events"
