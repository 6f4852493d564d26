#!/usr/bin/env bash
# Benchmarks Refract on this machine against a PostgreSQL 15 it starts itself, then measures the database's own
# limit for the same SQL with pgbench. Needs a JDK and Debian's postgresql package (apt-get install -y postgresql).
#
#   bench/run.sh [SCENARIO] [RATES] [STEP_SECONDS] [SANDBOX_LATENCY] [PGBENCH_CLIENTS]
#   bench/run.sh create 100,200,400,800,1600 10 0ms 16
#
# SCENARIO: create | mix | get | list | webhook. Results go to stdout; docs/benchmarks.md records them.
# BENCH_WARMUP (seconds, default 20) and BENCH_WARMUP_RATE (per second, default 100) set the uncounted warm-up;
# BENCH_JAVA_OPTS is passed to the server's JVM.
set -euo pipefail
cd "$(dirname "$0")/.."
SCENARIO=${1:-create}
RATES=${2:-100,200,400,800,1600}
STEP=${3:-10}
LATENCY=${4:-0ms}
CLIENTS=${5:-16}
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PORT=55432
HTTP_PORT=18080
WORK=$(mktemp -d /tmp/refract-bench.XXXXXX)
chmod 777 "$WORK"
RUN_AS=()
[ "$(id -u)" = 0 ] && RUN_AS=(runuser -u postgres --)   # PostgreSQL refuses to run as root

cleanup() {
  [ -n "${APP_PID:-}" ] && kill "$APP_PID" 2>/dev/null && wait "$APP_PID" 2>/dev/null || true
  "${RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$WORK/pg" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

[ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -B -q package -DskipTests
"${RUN_AS[@]}" "$PG_BIN/initdb" -D "$WORK/pg" -A trust -U postgres >/dev/null
"${RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$WORK/pg" -l "$WORK/pg.log" \
  -o "-p $PORT -k $WORK -c max_connections=200 -c shared_buffers=256MB -c synchronous_commit=on" start >/dev/null
PSQL=(psql -h localhost -p $PORT -U postgres -v ON_ERROR_STOP=1 -q)
"${PSQL[@]}" -c "create database refract" >/dev/null

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
java ${BENCH_JAVA_OPTS:-} -jar target/quarkus-app/quarkus-run.jar > "$WORK/app.log" 2>&1 &
APP_PID=$!
until curl -sf -o /dev/null "localhost:$HTTP_PORT/q/health/ready"; do sleep 0.05; done
echo "startup to first 200 (/q/health/ready): $(( ($(date +%s%N) - START) / 1000000 )) ms"
sleep 3
echo "RSS idle: $(( $(ps -o rss= -p $APP_PID) / 1024 )) MB"

java -Dwarmup="${BENCH_WARMUP:-20}" -Dwarmup-rate="${BENCH_WARMUP_RATE:-100}" bench/LoadGen.java "http://localhost:$HTTP_PORT" bench-admin "$SCENARIO" "$RATES" "$STEP" | tee "$WORK/load.txt"
echo "RSS after load: $(( $(ps -o rss= -p $APP_PID) / 1024 )) MB"

# after the run: every accepted refund is in the database exactly once, and every ledger row balances
sleep 2
read -r ACCEPTED MERCHANT < <(awk '/^accepted/ {print $2, $4}' "$WORK/load.txt")
STORED=$("${PSQL[@]}" -d refract -tAc "select count(*) from refunds where merchant_id = '$MERCHANT'")
DUPLICATES=$("${PSQL[@]}" -d refract -tAc "select count(*) from (select 1 from refunds group by merchant_id, merchant_refund_id having count(*) > 1) d")
UNBALANCED=$("${PSQL[@]}" -d refract -tAc "select count(*) from payment_ledger l where l.in_flight_minor <> (select coalesce(sum(amount_minor), 0) from refunds r where r.ledger_id = l.id and r.state in ('RECEIVED','UNKNOWN','PENDING','MANUAL_REVIEW')) or l.refunded_minor <> (select coalesce(sum(amount_minor), 0) from refunds r where r.ledger_id = l.id and r.state = 'SUCCEEDED')")
echo "check: accepted $ACCEPTED, stored $STORED, duplicated ids $DUPLICATES, unbalanced ledger rows $UNBALANCED"
if [ "$SCENARIO" != webhook ] && { [ "$ACCEPTED" != "$STORED" ] || [ "$DUPLICATES" != 0 ] || [ "$UNBALANCED" != 0 ]; }; then
  echo "CHECK FAILED" >&2
  exit 1
fi

# the database's own limit for the same statements, at the same concurrency
"${PSQL[@]}" -d refract -c "insert into merchants (id, name, api_key_hash) values ('m_pgbench', 'pgbench', 'bench-key-hash')"
echo "pgbench: the SQL of one create (bench/create.pgbench), $CLIENTS clients, ${STEP} s"
pgbench -h localhost -p $PORT -U postgres -n -f bench/create.pgbench -c "$CLIENTS" -j 2 -T "$STEP" refract \
  | grep -E "^(tps|latency average|number of transactions actually processed)"
