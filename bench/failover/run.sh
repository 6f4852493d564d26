#!/usr/bin/env bash
# Refract under load while its PostgreSQL fails over, twice: the primary's postmaster killed (Patroni restarts it
# in place), then the primary's whole node killed (the synchronous standby is promoted once the leader key
# expires). Each case checks what a merchant and an auditor would: no 500, no request hung past 10 s, every refund
# answered 200 stored once and SUCCEEDED with its own PSP refund id, no payment over-refunded, no ERROR line in the
# service's log; and prints the availability gap and the count of 503s. Bounded: about three minutes.
#
#   bench/failover/run.sh [BINARY]   # the packaged JVM build by default, or a native binary
#
# Needs a JDK and Debian's packages: apt-get install -y postgresql patroni etcd-server haproxy
set -euo pipefail
cd "$(dirname "$0")/../.."
BINARY=${1:-}
HTTP_PORT=${FO_HTTP_PORT:-18090}
PROXY_PORT=${FO_PROXY_PORT:-25440}
DIR=$(mktemp -d /tmp/refract-failover.XXXXXX)
CLUSTER=(bash bench/failover/cluster.sh)

cleanup() {
  [ -n "${APP_PID:-}" ] && kill "$APP_PID" 2>/dev/null && wait "$APP_PID" 2>/dev/null || true
  "${CLUSTER[@]}" stop "$DIR" || true
  [ -n "${KEEP:-}" ] || rm -rf "$DIR"
}
trap cleanup EXIT

for tool in patroni etcd haproxy psql; do
  command -v "$tool" >/dev/null || { echo "failover: $tool is missing (apt-get install -y postgresql patroni etcd-server haproxy)" >&2; exit 1; }
done
[ -n "$BINARY" ] || [ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -B -q package -DskipTests

T=$(date +%s)
"${CLUSTER[@]}" start "$DIR"
echo "cluster: two Patroni nodes (synchronous mode), etcd, HAProxy on 127.0.0.1:$PROXY_PORT; primary $("${CLUSTER[@]}" primary "$DIR"), up in $(( $(date +%s) - T )) s"
PSQL_URL="postgresql://postgres@127.0.0.1:$PROXY_PORT/refract"
psql "postgresql://postgres@127.0.0.1:$PROXY_PORT/postgres" -qc "create database refract"

export QUARKUS_DATASOURCE_REACTIVE_URL=postgresql://127.0.0.1:$PROXY_PORT/refract
export QUARKUS_DATASOURCE_JDBC_URL=jdbc:postgresql://127.0.0.1:$PROXY_PORT/refract
export QUARKUS_DATASOURCE_USERNAME=postgres QUARKUS_DATASOURCE_PASSWORD=postgres
export QUARKUS_HTTP_PORT=$HTTP_PORT REFRACT_ADMIN_TOKEN=failover-admin-token-0123456789abcdef
export REFRACT_SECRETS_KEY=$(head -c 32 /dev/urandom | base64)
export REFRACT_CONNECTORS_SANDBOX_ENABLED=true
export QUARKUS_LOG_CONSOLE_JSON_ENABLED=false
export REFRACT_RATE_LIMIT_REQUESTS_PER_SECOND=1000000 REFRACT_RATE_LIMIT_BURST=1000000
# a refund the janitor claimed just before the outage stays hidden for its lease: short here, to bound the wait
export REFRACT_JANITOR_INTERVAL=1s REFRACT_JANITOR_BACKOFF_BASE=500ms REFRACT_JANITOR_SUBMIT_GRACE=3s REFRACT_JANITOR_LEASE=10s
if [ -n "$BINARY" ]; then
  "$BINARY" -Xmx128m >"$DIR/app.log" 2>&1 &
else
  java -Xmx128m -jar target/quarkus-app/quarkus-run.jar >"$DIR/app.log" 2>&1 &
fi
APP_PID=$!
for _ in $(seq 600); do curl -sf -o /dev/null "localhost:$HTTP_PORT/q/health/ready" && break; sleep 0.1; done
curl -sf -o /dev/null "localhost:$HTTP_PORT/q/health/ready" || { echo "failover: the service never became ready" >&2; tail -50 "$DIR/app.log"; exit 1; }

# readiness as Kubernetes would probe it, every 250 ms: when it went down and came back
(while kill -0 "$APP_PID" 2>/dev/null; do
   printf '%s %s\n' "$(date +%s%3N)" "$(curl -s -o /dev/null -w '%{http_code}' -m 2 "localhost:$HTTP_PORT/q/health/ready")"
   sleep 0.25
 done) >"$DIR/ready.log" 2>/dev/null &

readiness() { # prints how long readiness was down after a moment (ms since epoch)
  awk -v after="$1" '$1 >= after { if ($2 != "200" && down == 0) down = $1; if ($2 == "200" && down > 0 && up == 0) up = $1 }
    END { if (down == 0) print "readiness: stayed up"; else if (up == 0) print "readiness: down, not back"; else printf "readiness: down for %.1f s\n", (up - down) / 1000 }' "$DIR/ready.log"
}

status=0
run_case() { # NAME COMMAND
  echo "== $1"
  local at
  at=$(date +%s%3N)
  java bench/failover/Failover.java "http://localhost:$HTTP_PORT" "$REFRACT_ADMIN_TOKEN" "$PSQL_URL" "$DIR/app.log" "$2" || status=1
  readiness "$at"
  echo "primary now: $("${CLUSTER[@]}" primary "$DIR")"
}

PRIMARY=$("${CLUSTER[@]}" primary "$DIR")
run_case "the primary's postmaster killed ($PRIMARY)" "bash bench/failover/cluster.sh kill-postmaster $DIR $PRIMARY"
# both nodes streaming again before the second case
for _ in $(seq 150); do
  [ "$(curl -s "http://127.0.0.1:25801/cluster" | grep -o '"state": *"\(running\|streaming\)"' | wc -l)" = 2 ] && break; sleep 0.2
done
PRIMARY=$("${CLUSTER[@]}" primary "$DIR")
run_case "the primary's whole node killed ($PRIMARY)" "bash bench/failover/cluster.sh kill-node $DIR $PRIMARY"
echo "failover: $([ $status = 0 ] && echo passed || echo FAILED) in $(( $(date +%s) - T )) s"
exit $status
