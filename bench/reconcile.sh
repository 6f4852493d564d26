#!/usr/bin/env bash
# Benchmarks one reconciliation run: a Stripe account of TOTAL refunds, served in pages of 100 by a stand-in
# (bench/StripeRefundsStandIn.java) that filters them by created[gte] and created[lt] and pages them with
# starting_after and has_more as Stripe's list does, OWN of which Refract made (and matches); the rest were made in
# Stripe's dashboard (and are adopted, each with its payment's ledger row, its event and its refund). Against the
# packaged application and a PostgreSQL 15 it starts itself, like bench/run.sh. Prints the run's time, the CPU of
# Refract's JVM and of PostgreSQL per PSP refund (from /proc), the JVM's RSS as the run goes and its peak (VmHWM,
# reset before the run), the database's work per PSP refund (statements, buffers, WAL, from pg_stat_statements), and
# checks the books after it: the run's counts, every PSP refund once among Refract's refunds with its amount, every
# ledger row equal to its refunds. Exits non-zero when a check fails.
#
#   bench/reconcile.sh [TOTAL] [OWN] [PAGE_MILLIS]
#   bench/reconcile.sh 100000 1000 0
#   BENCH_JAVA_OPTS=-Xmx128m bench/reconcile.sh 100000 1000    # the heap the Deployment gives it
#
# Needs a JDK and Debian's postgresql package (apt-get install -y postgresql). BENCH_JAVA_OPTS is passed to the JVM.
# Its ports (55436, 18086, 18087) are apart from bench/run.sh's and bench/soak.sh's, so they can run beside it.
set -euo pipefail
cd "$(dirname "$0")/.."
TOTAL=${1:-100000}
OWN=${2:-1000}
PAGE_MILLIS=${3:-0}
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PORT=55436
HTTP_PORT=18086
STRIPE_PORT=18087
for p in $PORT $HTTP_PORT $STRIPE_PORT; do
  if ss -Htln "sport = :$p" | grep -q .; then echo "port $p is taken: another benchmark runs?" >&2; exit 1; fi
done
[ "$OWN" -le "$TOTAL" ] || { echo "OWN ($OWN) is at most TOTAL ($TOTAL)" >&2; exit 1; }
WORK=$(mktemp -d /tmp/refract-reconcile.XXXXXX)
chmod 777 "$WORK"
RUN_AS=()
[ "$(id -u)" = 0 ] && RUN_AS=(runuser -u postgres --)   # PostgreSQL refuses to run as root

cleanup() {
  [ -n "${APP_PID:-}" ] && kill "$APP_PID" 2>/dev/null && wait "$APP_PID" 2>/dev/null || true
  [ -n "${STRIPE_PID:-}" ] && kill "$STRIPE_PID" 2>/dev/null && wait "$STRIPE_PID" 2>/dev/null || true
  "${RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$WORK/pg" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

JAR=target/quarkus-app/quarkus-run.jar
if [ ! -f $JAR ] || [ -n "$(find src/main pom.xml -newer $JAR -print -quit)" ]; then
  ./mvnw -B -q package -DskipTests
fi
"${RUN_AS[@]}" "$PG_BIN/initdb" -D "$WORK/pg" -A trust -U postgres >/dev/null
"${RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$WORK/pg" -l "$WORK/pg.log" \
  -o "-p $PORT -k $WORK -c max_connections=200 -c shared_buffers=256MB -c synchronous_commit=on \
      -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.max=1000" start >/dev/null
PSQL=(psql -h localhost -p $PORT -U postgres -v ON_ERROR_STOP=1 -q -t -A)
"${PSQL[@]}" -c "create database refract" >/dev/null
"${PSQL[@]}" -d refract -c "create extension pg_stat_statements" >/dev/null
POSTMASTER=$(head -1 "$WORK/pg/postmaster.pid")
TICK_US=$(( 1000000 / $(getconf CLK_TCK) ))
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
pg_ticks() {
  local total p
  total=$(awk '{print $14 + $15 + $16 + $17}' "/proc/$POSTMASTER/stat")
  for p in $(pgrep -P "$POSTMASTER"); do
    total=$(( total + $(ticks "$p" 2>/dev/null || echo 0) ))
  done
  echo "$total"
}

# the window: from an hour ago to now, once Refract's refunds are made; Stripe's refunds are spread over its first
# 50 minutes (Refract's own, made in Stripe a moment ago, are dated there too: Refract matches them by their
# metadata, and Stripe's date of a refund plays no part in the verdict)
FROM_S=$(( $(date +%s) - 3600 ))
FROM=$(date -u -d "@$FROM_S" +%Y-%m-%dT%H:%M:%SZ)
java bench/StripeRefundsStandIn.java "$STRIPE_PORT" "$TOTAL" "$OWN" "$FROM_S" 3000 "$PAGE_MILLIS" \
  > "$WORK/stripe.log" 2>&1 &
STRIPE_PID=$!

export QUARKUS_DATASOURCE_REACTIVE_URL=postgresql://localhost:$PORT/refract
export QUARKUS_DATASOURCE_JDBC_URL=jdbc:postgresql://localhost:$PORT/refract
export QUARKUS_DATASOURCE_USERNAME=postgres QUARKUS_DATASOURCE_PASSWORD=unused
export QUARKUS_HTTP_PORT=$HTTP_PORT REFRACT_ADMIN_TOKEN=bench-admin
export REFRACT_SECRETS_KEY=$(head -c 32 /dev/urandom | base64)
export QUARKUS_REST_CLIENT_STRIPE_URL=http://127.0.0.1:$STRIPE_PORT
export QUARKUS_LOG_CONSOLE_JSON_ENABLED=false
export REFRACT_RATE_LIMIT_REQUESTS_PER_SECOND=1000000 REFRACT_RATE_LIMIT_BURST=1000000
export REFRACT_RECONCILIATION_DAILY_ENABLED=false
java ${BENCH_JAVA_OPTS:-} -jar target/quarkus-app/quarkus-run.jar > "$WORK/app.log" 2>&1 &
APP_PID=$!
until curl -sf -o /dev/null "localhost:$HTTP_PORT/q/health/ready"; do
  kill -0 "$APP_PID" 2>/dev/null || { cat "$WORK/app.log"; exit 1; }
  sleep 0.1
done
until curl -sf -o /dev/null "127.0.0.1:$STRIPE_PORT/stats"; do
  kill -0 "$STRIPE_PID" 2>/dev/null || { cat "$WORK/stripe.log"; exit 1; }
  sleep 0.1
done

ADMIN=(-H "Authorization: Bearer bench-admin" -H "Content-Type: application/json")
KEY=$(curl -sf "${ADMIN[@]}" localhost:$HTTP_PORT/admin/v1/merchants -d '{"merchant_id":"m_bench","name":"Bench"}' \
  | sed 's/.*"api_key":"\([^"]*\)".*/\1/')
curl -sf -o /dev/null -X PUT "${ADMIN[@]}" localhost:$HTTP_PORT/admin/v1/merchants/m_bench/connectors/stripe \
  -d '{"credentials":{"api_key":"sk_test_bench"}}'
echo "recording Refract's $OWN refunds"
seq 0 $(( OWN - 1 )) | xargs -P 8 -I{} sh -c "curl -sf -o /dev/null localhost:$HTTP_PORT/v1/refunds \
  -H 'Authorization: Bearer $KEY' -H 'Content-Type: application/json' \
  -d '{\"merchant_refund_id\":\"bench_{}\",\"connector_transaction_id\":\"pi_bench_{}\",\"amount\":{\"minor_amount\":'\$(( 1000 + {} % 1000 ))',\"currency\":\"USD\"},\"payment_amount\":{\"minor_amount\":5000,\"currency\":\"USD\"}}'" \
  || { echo "a refund was not accepted" >&2; tail -20 "$WORK/app.log"; exit 1; }
SUCCEEDED=$("${PSQL[@]}" -d refract -c "select count(*) from refunds where merchant_id = 'm_bench' and state = 'SUCCEEDED'")
echo "Refract's side: $SUCCEEDED refunds SUCCEEDED"
[ "$SUCCEEDED" = "$OWN" ] || { echo "CHECK FAILED: $OWN refunds were asked for" >&2; exit 1; }
sleep 2
TO=$(date -u +%Y-%m-%dT%H:%M:%SZ)
echo "window $FROM to $TO; the stand-in holds $TOTAL refunds in it"

"${PSQL[@]}" -d refract -c "select pg_stat_statements_reset()" >/dev/null
echo 5 > "/proc/$APP_PID/clear_refs"   # resets VmHWM: the peak RSS from here on
RSS0=$(awk '/VmRSS/ {print $2}' "/proc/$APP_PID/status")
JVM0=$(ticks "$APP_PID"); PG0=$(pg_ticks)
RUN=$(curl -sf "${ADMIN[@]}" localhost:$HTTP_PORT/admin/v1/reconciliations \
  -d "{\"merchant_id\":\"m_bench\",\"connector\":\"stripe\",\"from\":\"$FROM\",\"to\":\"$TO\"}" \
  | sed -n 's/.*"id":"\(rec_[0-9a-f]*\)".*/\1/p')
[ -n "$RUN" ] || { echo "the run was not started" >&2; tail -20 "$WORK/app.log"; exit 1; }
# once a second: the run's progress and the JVM's RSS (the poll is marked, and left out of the statements' figures)
STATUS=running
: > "$WORK/rss"
while [ "$STATUS" = running ]; do
  sleep 1
  read -r STATUS READ < <("${PSQL[@]}" -d refract -F ' ' -c "/* bench poll */ select status, psp_records
    from reconciliation_runs where id = '$RUN'")
  echo "$READ $(awk '/VmRSS/ {print $2}' "/proc/$APP_PID/status")" >> "$WORK/rss"
done
JVM1=$(ticks "$APP_PID"); PG1=$(pg_ticks)
HWM=$(awk '/VmHWM/ {print $2}' "/proc/$APP_PID/status")
RSS=$(awk '/VmRSS/ {print $2}' "/proc/$APP_PID/status")

# the run's time as it recorded it: from its row's insert to its finish
read -r status records matched adopted mismatched missing seconds < <("${PSQL[@]}" -d refract -F ' ' -c "select status,
  psp_records, matched, adopted, mismatched, missing_at_psp, extract(epoch from finished_at - started_at)
  from reconciliation_runs where id = '$RUN'")
{
  echo "run $RUN: $status in $(printf %.1f "$seconds") s; $records PSP refunds: $matched matched, $adopted adopted, $mismatched mismatched, $missing missing at the PSP"
  echo "rate: $(awk -v n="$records" -v s="$seconds" 'BEGIN { printf "%.0f", n / s }') PSP refunds/s"
  echo "CPU per PSP refund: Refract $(awk -v d=$(( JVM1 - JVM0 )) -v t=$TICK_US -v n="$records" 'BEGIN { printf "%.0f", d * t / n }') µs, PostgreSQL $(awk -v d=$(( PG1 - PG0 )) -v t=$TICK_US -v n="$records" 'BEGIN { printf "%.0f", d * t / n }') µs"
  echo "Refract's JVM: RSS before the run $(( RSS0 / 1024 )) MiB, peak during it $(( HWM / 1024 )) MiB, after it $(( RSS / 1024 )) MiB"
  # the RSS when a tenth, a quarter, half, three quarters and all of the PSP's refunds had been read
  awk -v n="$records" 'BEGIN { split("0.1 0.25 0.5 0.75 1", q, " "); k = 1 }
    { while (k <= 5 && $1 >= q[k] * n) { r[k] = $2; k++ } }
    END { printf "RSS as the run went (MiB) at 10%%/25%%/50%%/75%%/100%% of the PSP refunds read:";
          for (i = 1; i <= 5; i++) printf " %s", (i in r ? int(r[i] / 1024) : "-"); print "" }' "$WORK/rss"
  STATEMENTS="from pg_stat_statements where dbid = (select oid from pg_database where datname = 'refract')
      and query not like '%bench poll%' and query not like '%pg_stat_statements%'"
  "${PSQL[@]}" -d refract -F ' ' -c "select sum(calls), round(sum(total_exec_time)::numeric, 0),
      sum(shared_blks_hit), sum(shared_blks_read), sum(shared_blks_dirtied), sum(wal_bytes), sum(rows)
      $STATEMENTS" | {
    read -r calls ms hit read dirtied wal rows
    awk -v n="$records" -v c="$calls" -v ms="$ms" -v h="$hit" -v r="$read" -v d="$dirtied" -v w="$wal" -v rw="$rows" 'BEGIN {
      printf "database per PSP refund: %.2f statements, %.3f ms executing, %.1f buffers hit, %.2f read, %.2f dirtied, %.0f bytes of WAL, %.2f rows\n",
        c / n, ms / n, h / n, r / n, d / n, w / n, rw / n }'
  }
  echo "the statements that did the most, per PSP refund (calls, ms executing):"
  "${PSQL[@]}" -d refract -F ' | ' -c "select round(calls::numeric / $records, 3), round((total_exec_time / $records)::numeric, 4),
      left(regexp_replace(query, '\s+', ' ', 'g'), 90) $STATEMENTS order by total_exec_time desc limit 8"
}
echo "stand-in: $(curl -sf 127.0.0.1:$STRIPE_PORT/stats)"

# the books after the run: the run counted every PSP refund once, and each is Refract's now, once, with its amount;
# every ledger row equals its refunds (as bench/run.sh checks it)
FAILED=0
check() { # DESCRIPTION ACTUAL EXPECTED
  if [ "$2" = "$3" ]; then echo "check: $1: $2"; else echo "CHECK FAILED: $1: $2, expected $3"; FAILED=1; fi
}
check "run status" "$status" completed
check "PSP refunds counted" "$records" "$TOTAL"
check "matched" "$matched" "$OWN"
check "adopted" "$adopted" $(( TOTAL - OWN ))
check "mismatched, missing at the PSP" "$mismatched $missing" "0 0"
check "the run's items (counted, distinct keys)" "$("${PSQL[@]}" -d refract -F ' ' -c "select count(*) filter (where counted),
  count(distinct item_key) from reconciliation_items where merchant_id = 'm_bench' and run_id = '$RUN'")" "$TOTAL $TOTAL"
read -r refunds external distinct succeeded amount < <("${PSQL[@]}" -d refract -F ' ' -c "select count(*),
  count(*) filter (where external), count(distinct connector_refund_id), count(*) filter (where state = 'SUCCEEDED'),
  sum(amount_minor) from refunds where merchant_id = 'm_bench'")
check "Refract's refunds (adopted)" "$refunds ($external)" "$TOTAL ($(( TOTAL - OWN )))"
check "distinct Stripe refund ids, SUCCEEDED" "$distinct $succeeded" "$TOTAL $TOTAL"
check "sum of amounts (minor units)" "$amount" "$(awk -v n="$TOTAL" 'BEGIN { for (i = 0; i < n; i++) s += 1000 + i % 1000; printf "%.0f", s }')"
check "ledger rows that disagree with their refunds" "$("${PSQL[@]}" -d refract -c "select count(*) from payment_ledger l
  left join (select ledger_id, sum(amount_minor) filter (where state in ('RECEIVED','UNKNOWN','PENDING','MANUAL_REVIEW')) as in_flight,
    sum(amount_minor) filter (where state = 'SUCCEEDED') as refunded from refunds group by ledger_id) r on r.ledger_id = l.id
  where l.merchant_id = 'm_bench' and (l.in_flight_minor <> coalesce(r.in_flight, 0) or l.refunded_minor <> coalesce(r.refunded, 0))")" 0
echo "ERROR lines in the server's log: $(grep -c ' ERROR ' "$WORK/app.log" || true)"
[ "$FAILED" = 0 ] || { grep -E ' (ERROR|WARN) ' "$WORK/app.log" | tail -5; exit 1; }
