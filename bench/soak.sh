#!/usr/bin/env bash
# A soak: Refract as deployed (-Xmx128m, two event loops) under a merchant's traffic for 30 minutes at half its peak
# and 10 minutes at its peak, sampled every 30 s for what would grow if something leaked: heap after GC, RSS,
# Netty's direct memory, live threads, the pool's connections and waiters, p50/p99. Prints each
# series' slope per hour and fails when one passes its bound (bench/Soak.java states them), or when the database's
# books do not balance afterwards. Writes samples.csv and soak.png (RSS and heap after GC over time) to SOAK_OUT.
# Needs a JDK and Debian's postgresql package (apt-get install -y postgresql), and a font for the plot's labels
# (fonts-dejavu-core).
#
#   bench/soak.sh [BINARY]                 # the JVM build, or a native binary given as its path
#   SOAK_PEAK_RATE=400 bench/soak.sh       # skip the ramp that finds the peak
#   SOAK_HALF_MINUTES=30 SOAK_PEAK_MINUTES=10 SOAK_SETTLE=300 SOAK_OUT=target/soak bench/soak.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BINARY=${1:-}
HALF_MINUTES=${SOAK_HALF_MINUTES:-30}
PEAK_MINUTES=${SOAK_PEAK_MINUTES:-10}
SETTLE=${SOAK_SETTLE:-300}
OUT=${SOAK_OUT:-target/soak}
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PORT=55434
HTTP_PORT=18082
WORK=$(mktemp -d /tmp/refract-soak.XXXXXX)
chmod 777 "$WORK"
RUN_AS=()
[ "$(id -u)" = 0 ] && RUN_AS=(runuser -u postgres --)   # PostgreSQL refuses to run as root

cleanup() {
  [ -n "${APP_PID:-}" ] && kill "$APP_PID" 2>/dev/null && wait "$APP_PID" 2>/dev/null || true
  "${RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$WORK/pg" -m fast stop >/dev/null 2>&1 || true
  mkdir -p "$OUT" && cp "$WORK/app.log" "$WORK"/gc.log "$OUT/" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

"${RUN_AS[@]}" "$PG_BIN/initdb" -D "$WORK/pg" -A trust -U postgres >/dev/null
"${RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$WORK/pg" -l "$WORK/pg.log" \
  -o "-p $PORT -k $WORK -c max_connections=200 -c shared_buffers=256MB -c synchronous_commit=on" start >/dev/null
PSQL=(psql -h localhost -p $PORT -U postgres -v ON_ERROR_STOP=1 -q)
"${PSQL[@]}" -c "create database refract" >/dev/null

export QUARKUS_DATASOURCE_REACTIVE_URL=postgresql://localhost:$PORT/refract
export QUARKUS_DATASOURCE_JDBC_URL=jdbc:postgresql://localhost:$PORT/refract
export QUARKUS_DATASOURCE_USERNAME=postgres QUARKUS_DATASOURCE_PASSWORD=unused
export QUARKUS_HTTP_PORT=$HTTP_PORT REFRACT_ADMIN_TOKEN=soak-admin-token-0123456789abcdef0123456789
export REFRACT_SECRETS_KEY=$(head -c 32 /dev/urandom | base64)
export REFRACT_CONNECTORS_SANDBOX_ENABLED=true
export QUARKUS_LOG_CONSOLE_JSON_ENABLED=false
# as the Deployment runs it: two event loops whatever the machine's cores
export QUARKUS_VERTX_EVENT_LOOPS_POOL_SIZE=2
# one merchant key carries the whole load: lift its rate limit (100/s by default) out of the measurement
export REFRACT_RATE_LIMIT_REQUESTS_PER_SECOND=1000000 REFRACT_RATE_LIMIT_BURST=1000000

if [ -z "$BINARY" ]; then
  [ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -B -q package -DskipTests
  GC_LOG=$WORK/gc.log
  NATIVE=false
  java -Xmx128m -Xlog:gc:file="$GC_LOG" -jar target/quarkus-app/quarkus-run.jar > "$WORK/app.log" 2>&1 &
else
  # a native binary prints a line per collection on its standard output
  GC_LOG=$WORK/app.log
  NATIVE=true
  "$BINARY" -Xmx128m -XX:+PrintGC > "$WORK/app.log" 2>&1 &
fi
APP_PID=$!
until curl -sf -o /dev/null "localhost:$HTTP_PORT/q/health/ready"; do
  kill -0 "$APP_PID" 2>/dev/null || { cat "$WORK/app.log"; exit 1; }
  sleep 0.1
done
echo "ready; RSS idle $(( $(ps -o rss= -p $APP_PID) / 1024 )) MB"

if [ -z "${SOAK_PEAK_RATE:-}" ]; then
  # the peak: the highest rate of the create mix sustained for 15 s with p99 under 1 s and no errors
  echo "== finding the peak (create mix, 15 s steps)"
  java -Dwarmup=30 -Dwarmup-rate=100 -Dprefix=ramp bench/LoadGen.java "http://localhost:$HTTP_PORT" "$REFRACT_ADMIN_TOKEN" \
    mix 100,200,300,400,500,600,700,800,900,1000 15 | tee "$WORK/ramp.txt"
  SOAK_PEAK_RATE=$(awk '$1 ~ /^[0-9]+$/ && $2 >= 0.97 * $1 && $5 < 1000 && $7 == 0 {peak = $1} END {print peak + 0}' "$WORK/ramp.txt")
  [ "$SOAK_PEAK_RATE" -gt 0 ] || { echo "no rate was sustained" >&2; exit 1; }
fi
HALF=$(( SOAK_PEAK_RATE / 2 ))
echo "== soak: $HALF/s for $HALF_MINUTES min, then $SOAK_PEAK_RATE/s for $PEAK_MINUTES min"
set +e
java -Dsettle="$SETTLE" -Dnative="$NATIVE" bench/Soak.java \
  "http://localhost:$HTTP_PORT" "$REFRACT_ADMIN_TOKEN" "$APP_PID" "$GC_LOG" "$OUT" \
  "half:$HALF:$(( HALF_MINUTES * 60 )),peak:$SOAK_PEAK_RATE:$(( PEAK_MINUTES * 60 ))" | tee "$WORK/soak.txt"
VERDICT=${PIPESTATUS[0]}
set -e
echo "RSS after the soak: $(( $(ps -o rss= -p $APP_PID) / 1024 )) MB"
ERRORS=$(grep -c -E ' ERROR ' "$WORK/app.log" || true)
echo "ERROR lines in the server's log: $ERRORS"

# the books afterwards: every accepted refund stored once, every ledger row equal to the sum of its refunds
sleep 5
read -r CREATED MERCHANT < <(awk '/^created/ {print $2, $4}' "$WORK/soak.txt")
STORED=$("${PSQL[@]}" -d refract -tAc "select count(*) from refunds where merchant_id = '$MERCHANT'")
DUPLICATES=$("${PSQL[@]}" -d refract -tAc "select count(*) from (select 1 from refunds group by merchant_id, merchant_refund_id having count(*) > 1) d")
UNBALANCED=$("${PSQL[@]}" -d refract -tAc "select count(*) from payment_ledger l left join (select ledger_id, sum(amount_minor) filter (where state in ('RECEIVED','UNKNOWN','PENDING','MANUAL_REVIEW')) as in_flight, sum(amount_minor) filter (where state = 'SUCCEEDED') as refunded from refunds group by ledger_id) r on r.ledger_id = l.id where l.in_flight_minor <> coalesce(r.in_flight, 0) or l.refunded_minor <> coalesce(r.refunded, 0)")
echo "check: created $CREATED, stored $STORED (the ramp's merchant apart), duplicated ids $DUPLICATES, unbalanced ledger rows $UNBALANCED"
if [ "$CREATED" != "$STORED" ] || [ "$DUPLICATES" != 0 ] || [ "$UNBALANCED" != 0 ]; then
  echo "CHECK FAILED" >&2
  exit 1
fi
echo "samples: $OUT/samples.csv, plot: $OUT/soak.png"
exit "$VERDICT"
