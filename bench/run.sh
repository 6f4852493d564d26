#!/usr/bin/env bash
# Benchmarks Refract on this machine against a PostgreSQL 15 it starts itself, and in the same run measures the
# database's own limit for one refund with pgbench: the reference work in ../shared/bench/reference when it is
# beside the project, and Refract's own statements (bench/create.pgbench) always. Needs a JDK and Debian's
# postgresql package (apt-get install -y postgresql).
#
#   bench/run.sh [SCENARIO] [RATES] [STEP_SECONDS] [SANDBOX_LATENCY] [PGBENCH_CLIENTS] [BINARY]
#   bench/run.sh create 100,200,400,800,1600 10 0ms 16
#   bench/run.sh create 200,400,600,800 10 0ms 16 target/refract-0.1.0-SNAPSHOT-runner   # a native binary
#   bench/run.sh growth 150 20                 # one merchant: empty, then with 1,000,000 refunds (GROWTH_ROWS)
#
# SCENARIO: create | mix | get | list | console | webhook | growth. console signs in to the operator console and
# reads its pages: a merchant's newest 50 refunds and one refund with its history, half each. Next to rates and
# latencies it prints the CPU time per refund created (or per read served) of Refract's JVM and of PostgreSQL (all
# its processes), from /proc. growth measures create, get and list
# at the first rate on an empty database, bulk-loads GROWTH_ROWS refunds for the same merchant while the service
# keeps running (its pooled connections keep what they prepared), measures again, and prints the ratios, with the
# mean execution time of each statement from pg_stat_statements, the janitor's claim among them.
# BENCH_PG_PORT and BENCH_HTTP_PORT (55432, 18080) move the database and the server off ports another run holds.
# BENCH_WARMUP (seconds, default 20) and BENCH_WARMUP_RATE (per second, default 100) set the uncounted warm-up.
# BINARY is the server to measure: a native executable, or a quarkus-run.jar (run with java -jar); by default
# target/quarkus-app/quarkus-run.jar, built if missing. BENCH_JAVA_OPTS is passed to the server: JVM options for a
# jar, runtime options for a native binary (-Xmn16m -XX:MaxHeapSize=256m, -XX:+PrintGC). BENCH_GC_LOG=1 logs the
# JVM's collections (-Xlog:gc) and prints their pauses during the load. After the load the script prints the Vert.x
# blocked-thread warnings the server logged, and the statements executed per refund (pg_stat_statements).
# BENCH_LOG_DIR keeps the server's, PostgreSQL's and the GC's logs there. Results go to stdout;
# docs/benchmarks.md records them.
set -euo pipefail
cd "$(dirname "$0")/.."
SCENARIO=${1:-create}
RATES=${2:-100,200,400,800,1600}
STEP=${3:-10}
LATENCY=${4:-0ms}
CLIENTS=${5:-16}
BINARY=${6:-target/quarkus-app/quarkus-run.jar}
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PORT=${BENCH_PG_PORT:-55432}
HTTP_PORT=${BENCH_HTTP_PORT:-18080}
WORK=$(mktemp -d /tmp/refract-bench.XXXXXX)
chmod 777 "$WORK"
RUN_AS=()
[ "$(id -u)" = 0 ] && RUN_AS=(runuser -u postgres --)   # PostgreSQL refuses to run as root

cleanup() {
  [ -n "${APP_PID:-}" ] && kill "$APP_PID" 2>/dev/null && wait "$APP_PID" 2>/dev/null || true
  "${RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$WORK/pg" -m fast stop >/dev/null 2>&1 || true
  [ -n "${BENCH_LOG_DIR:-}" ] && mkdir -p "$BENCH_LOG_DIR" && cp "$WORK"/*.log "$BENCH_LOG_DIR"/ 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

if [ "$BINARY" = target/quarkus-app/quarkus-run.jar ] && [ ! -f "$BINARY" ]; then
  ./mvnw -B -q package -DskipTests
fi
[ -f "$BINARY" ] || { echo "no server at $BINARY" >&2; exit 1; }
SERVER_OPTS=(${BENCH_JAVA_OPTS:-})
if [ "${BINARY%.jar}" != "$BINARY" ]; then
  [ -n "${BENCH_GC_LOG:-}" ] && SERVER_OPTS+=("-Xlog:gc:file=$WORK/gc.log:uptime")
  SERVER=(java "${SERVER_OPTS[@]}" -jar "$BINARY")
else
  SERVER=("$BINARY" "${SERVER_OPTS[@]}")
fi
"${RUN_AS[@]}" "$PG_BIN/initdb" -D "$WORK/pg" -A trust -U postgres >/dev/null
"${RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$WORK/pg" -l "$WORK/pg.log" \
  -o "-p $PORT -k $WORK -c max_connections=200 -c shared_buffers=256MB -c synchronous_commit=on \
      -c shared_preload_libraries=pg_stat_statements" start >/dev/null
PSQL=(psql -h localhost -p $PORT -U postgres -v ON_ERROR_STOP=1 -q)
"${PSQL[@]}" -c "create database refract" >/dev/null
"${PSQL[@]}" -d refract -c "create extension pg_stat_statements" >/dev/null
POSTMASTER=$(head -1 "$WORK/pg/postmaster.pid")
TICK_US=$(( 1000000 / $(getconf CLK_TCK) ))

# CPU ticks (user + system) used so far by a process; for PostgreSQL, by the postmaster, its live children, and
# the children it has reaped (a backend's time moves into its parent's cutime and cstime when it exits)
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
pg_ticks() {
  local total p
  total=$(awk '{print $14 + $15 + $16 + $17}' "/proc/$POSTMASTER/stat")
  for p in $(pgrep -P "$POSTMASTER"); do
    total=$(( total + $(ticks "$p" 2>/dev/null || echo 0) ))
  done
  echo "$total"
}
# µs of CPU per operation between two tick readings
per_op() { awk -v d="$1" -v t="$TICK_US" -v n="$2" 'BEGIN { printf "%.0f", (n > 0 ? d * t / n : 0) }'; }

export QUARKUS_DATASOURCE_REACTIVE_URL=postgresql://localhost:$PORT/refract
export QUARKUS_DATASOURCE_JDBC_URL=jdbc:postgresql://localhost:$PORT/refract
export QUARKUS_DATASOURCE_USERNAME=postgres QUARKUS_DATASOURCE_PASSWORD=unused
export QUARKUS_HTTP_PORT=$HTTP_PORT REFRACT_ADMIN_TOKEN=bench-admin
export REFRACT_SECRETS_KEY=$(head -c 32 /dev/urandom | base64)
export REFRACT_CONNECTORS_SANDBOX_ENABLED=true REFRACT_CONNECTORS_SANDBOX_LATENCY=$LATENCY
export QUARKUS_LOG_CONSOLE_JSON_ENABLED=false
# one merchant key carries the whole load here: lift its rate limit (100/s by default) out of the measurement
export REFRACT_RATE_LIMIT_REQUESTS_PER_SECOND=1000000 REFRACT_RATE_LIMIT_BURST=1000000
START=$(date +%s%N)
echo "server: ${SERVER[*]}"
"${SERVER[@]}" > "$WORK/app.log" 2>&1 &
APP_PID=$!
until curl -sf -o /dev/null "localhost:$HTTP_PORT/q/health/ready"; do sleep 0.05; done
echo "startup to first 200 (/q/health/ready): $(( ($(date +%s%N) - START) / 1000000 )) ms"
sleep 3
echo "RSS idle: $(( $(ps -o rss= -p $APP_PID) / 1024 )) MB"

load() { # SCENARIO RATES STEP [extra -D options]: runs LoadGen, prints its table and CPU µs per accepted refund
  local scenario=$1 rates=$2 step=$3; shift 3
  local app0 pg0 app1 pg1 accepted gc0
  app0=$(ticks "$APP_PID"); pg0=$(pg_ticks); gc0=$(gc_lines)
  java "$@" bench/LoadGen.java "http://localhost:$HTTP_PORT" bench-admin "$scenario" "$rates" "$step" \
    | tee "$WORK/load.txt"
  app1=$(ticks "$APP_PID"); pg1=$(pg_ticks)
  gc_pauses "$gc0"
  accepted=$(awk '/^accepted/ {print $2}' "$WORK/load.txt")
  if [ "$scenario" = create ] || [ "$scenario" = mix ]; then
    echo "CPU per refund created: Refract $(per_op $(( app1 - app0 )) "$accepted") µs, PostgreSQL $(per_op $(( pg1 - pg0 )) "$accepted") µs"
  elif [ "$scenario" = get ] || [ "$scenario" = list ] || [ "$scenario" = console ]; then
    served=$(awk '/^served/ {print $2}' "$WORK/load.txt")
    echo "CPU per read served: Refract $(per_op $(( app1 - app0 )) "$served") µs, PostgreSQL $(per_op $(( pg1 - pg0 )) "$served") µs"
  fi
}

# the JVM's collections logged so far (BENCH_GC_LOG=1), and a summary of the pauses after line $1
gc_lines() { [ -f "$WORK/gc.log" ] && wc -l < "$WORK/gc.log" || echo 0; }
gc_pauses() {
  [ -f "$WORK/gc.log" ] || return 0
  tail -n +"$(( $1 + 1 ))" "$WORK/gc.log" | grep -o 'Pause[^(]*([^)]*)[^0-9]*[0-9.]*ms$\|Pause.* [0-9.]*ms$' \
    | awk '{ ms = $NF; sub(/ms$/, "", ms); ms += 0; n++; total += ms; if (ms > max) max = ms; if (ms > 10) over++ }
      END { if (n) printf "GC during the load: %d pauses, %.0f ms in all, longest %.1f ms, %d over 10 ms\n", n, total, max, over }'
}

per_refund() { # the round trips of the load: statements executed per accepted refund, BEGIN and COMMIT included
  local accepted
  accepted=$(awk '/^accepted/ {print $2}' "$WORK/load.txt")
  [ "${accepted:-0}" -gt 0 ] || return 0
  "${PSQL[@]}" -d refract -c "select round(sum(calls)::numeric / $accepted, 2) as per_refund, sum(calls) as calls,
      round(sum(total_exec_time)::numeric / sum(calls), 3) as mean_ms,
      left(regexp_replace(min(query), '\s+', ' ', 'g'), 100) as statement
    from pg_stat_statements where dbid = (select oid from pg_database where datname = 'refract')
    group by queryid having sum(calls) >= $accepted / 20 order by sum(calls) desc limit 12"
}

statements() { # the mean execution time and buffers of Refract's statements since the last reset
  "${PSQL[@]}" -d refract -c "select calls, round(mean_exec_time::numeric, 3) as mean_ms,
      round((shared_blks_hit + shared_blks_read)::numeric / calls, 1) as buffers, left(regexp_replace(query, '\s+', ' ', 'g'), 90) as statement
    from pg_stat_statements where dbid = (select oid from pg_database where datname = 'refract') and calls >= 5
      and query !~* '^(begin|commit|select 1$|set |show )' order by total_exec_time desc limit 14"
  "${PSQL[@]}" -d refract -c "select pg_stat_statements_reset()" >/dev/null
}

if [ "$SCENARIO" = growth ]; then
  RATE=${RATES%%,*}
  ROWS=${GROWTH_ROWS:-1000000}
  CREATED=$(curl -sf -H "Authorization: Bearer bench-admin" -H "Content-Type: application/json" \
    -d '{"merchant_id":"m_growth","name":"Growth"}' "localhost:$HTTP_PORT/admin/v1/merchants")
  KEY=$(echo "$CREATED" | sed 's/.*"api_key":"\([^"]*\)".*/\1/')
  GROWTH=(-Dmerchant=m_growth -Dapi-key="$KEY")
  echo "== warm-up (not counted)"
  load create "${BENCH_WARMUP_RATE:-100}" "${BENCH_WARMUP:-20}" -Dwarmup=0 "${GROWTH[@]}" -Dprefix=w >/dev/null
  "${PSQL[@]}" -d refract -c "select pg_stat_statements_reset()" >/dev/null
  for phase in empty grown; do
    if [ "$phase" = grown ]; then
      echo "== loading $ROWS refunds of m_growth in bulk (the service keeps running)"
      T0=$(date +%s)
      "${PSQL[@]}" -d refract <<SQL
insert into payment_ledger (merchant_id, connector, connector_transaction_id, currency, captured_minor, refunded_minor)
  select 'm_growth', 'sandbox', 'sbx_10000_USD_bulk' || g, 'USD', 10000, 10000 from generate_series(1, $ROWS) g;
insert into refunds (merchant_id, merchant_refund_id, ledger_id, connector, connector_transaction_id,
    connector_refund_id, state, connector_status, amount_minor, currency, fingerprint, psp_reference, attempts,
    created_at, updated_at)
  select 'm_growth', 'bulk' || g, l.id, 'sandbox', l.connector_transaction_id, 'sbxre_bulk' || g, 'SUCCEEDED',
    'succeeded', 10000, 'USD', 'bulk', 'rf_bulk' || lpad(g::text, 28, '0'), 1,
    now() - interval '30 days' + g * interval '1 second', now() - interval '30 days' + g * interval '1 second'
  from generate_series(1, $ROWS) g join payment_ledger l on l.merchant_id = 'm_growth'
    and l.connector_transaction_id = 'sbx_10000_USD_bulk' || g;
insert into refund_events (refund_id, from_state, to_state, cause, connector_status, detail)
  select id, null, 'SUCCEEDED', 'API', 'succeeded', 'bulk' from refunds where merchant_id = 'm_growth'
    and fingerprint = 'bulk';
SQL
      echo "loaded in $(( $(date +%s) - T0 )) s; nothing is analyzed by hand (the plans must not need it)"
      # but the load's own aftermath is not the service's cost: let the checkpoint and autovacuum's pass end
      "${PSQL[@]}" -c checkpoint
      sleep 65 # autovacuum wakes at least once a minute
      for _ in $(seq 1 180); do
        [ "$("${PSQL[@]}" -tAc "select count(*) from pg_stat_activity where backend_type = 'autovacuum worker'")" = 0 ] && break
        sleep 1
      done
      "${PSQL[@]}" -d refract -c "select pg_stat_statements_reset()" >/dev/null
    fi
    echo "== $phase: $( "${PSQL[@]}" -d refract -tAc "select count(*) from refunds where merchant_id = 'm_growth'") refunds of m_growth"
    load create "$RATE" "$STEP" -Dwarmup=0 "${GROWTH[@]}" -Dprefix="c$phase"
    load get "$RATE" "$STEP" -Dwarmup=0 "${GROWTH[@]}"
    load list "$RATE" "$STEP" -Dwarmup=0 "${GROWTH[@]}"
    statements
  done
else
  java -Dwarmup="${BENCH_WARMUP:-20}" -Dwarmup-rate="${BENCH_WARMUP_RATE:-100}" -Dprefix=x bench/LoadGen.java \
    "http://localhost:$HTTP_PORT" bench-admin create 1 1 >/dev/null 2>&1 || true
  "${PSQL[@]}" -d refract -c "select pg_stat_statements_reset()" >/dev/null
  load "$SCENARIO" "$RATES" "$STEP" -Dwarmup=0
  per_refund
fi
echo "RSS after load: $(( $(ps -o rss= -p $APP_PID) / 1024 )) MB"
echo "event loop blocked (Vert.x warnings logged): $(grep -c 'has been blocked for' "$WORK/app.log" || true)"

# after the run: no refund id twice, and every ledger row balances (external and bulk-loaded refunds included)
sleep 2
DUPLICATES=$("${PSQL[@]}" -d refract -tAc "select count(*) from (select 1 from refunds group by merchant_id, merchant_refund_id having count(*) > 1) d")
UNBALANCED=$("${PSQL[@]}" -d refract -tAc "select count(*) from payment_ledger l left join (select ledger_id, sum(amount_minor) filter (where state in ('RECEIVED','UNKNOWN','PENDING','MANUAL_REVIEW')) as in_flight, sum(amount_minor) filter (where state = 'SUCCEEDED') as refunded from refunds group by ledger_id) r on r.ledger_id = l.id where l.in_flight_minor <> coalesce(r.in_flight, 0) or l.refunded_minor <> coalesce(r.refunded, 0)")
echo "check: duplicated ids $DUPLICATES, unbalanced ledger rows $UNBALANCED"
if [ "$SCENARIO" != growth ]; then
  read -r ACCEPTED MERCHANT < <(awk '/^accepted/ {print $2, $4}' "$WORK/load.txt")
  STORED=$("${PSQL[@]}" -d refract -tAc "select count(*) from refunds where merchant_id = '$MERCHANT'")
  echo "check: accepted $ACCEPTED, stored $STORED"
  if [ "$SCENARIO" != webhook ] && [ "$ACCEPTED" != "$STORED" ]; then
    echo "CHECK FAILED" >&2
    exit 1
  fi
fi
if [ "$DUPLICATES" != 0 ] || [ "$UNBALANCED" != 0 ]; then
  echo "CHECK FAILED" >&2
  exit 1
fi

# the database's own limit, at the same concurrency, in the same run, while Refract idles beside it
pgbench_cpu() { # LABEL DB SCRIPT: tps and PostgreSQL's and pgbench's CPU µs per transaction
  local label=$1 db=$2 script=$3 pg0 pg1 out tx
  pg0=$(pg_ticks)
  out=$( TIMEFORMAT="pgbench_cpu %U %S"; { time pgbench -h localhost -p $PORT -U postgres -n -f "$script" \
      -c "$CLIENTS" -j 2 -T "$STEP" "$db"; } 2>&1 )
  pg1=$(pg_ticks)
  tx=$(echo "$out" | awk '/number of transactions actually processed/ {print $NF}' | cut -d/ -f1)
  echo "$label: $(echo "$out" | awk '/^tps/ {printf "%.0f/s", $3}'), $(echo "$out" | awk '/latency average/ {print "latency", $4, "ms"}'),"\
    "PostgreSQL $(per_op $(( pg1 - pg0 )) "$tx") µs per refund, pgbench $(echo "$out" | awk -v n="$tx" '/^pgbench_cpu/ {printf "%.0f", ($2 + $3) * 1e6 / n}') µs"
}
REFERENCE=../shared/bench/reference
if [ -f "$REFERENCE/refund.sql" ]; then
  "${PSQL[@]}" -c "create database reference" >/dev/null
  "${PSQL[@]}" -d reference -f "$REFERENCE/schema.sql" >/dev/null
  pgbench_cpu "reference (../shared/bench/reference), $CLIENTS clients, ${STEP} s" reference "$REFERENCE/refund.sql"
fi
"${PSQL[@]}" -d refract -c "insert into merchants (id, name, api_key_hash) values ('m_pgbench', 'pgbench', 'bench-key-hash')" >/dev/null
pgbench_cpu "Refract's statements (bench/create.pgbench), $CLIENTS clients, ${STEP} s" refract bench/create.pgbench
