#!/usr/bin/env bash
# Runs the three SDKs' test suites against the packaged service: starts a PostgreSQL 15 (Debian's, installed if
# missing) and target/quarkus-app/quarkus-run.jar with the sandbox PSP on free ports, checks that the service serves
# the committed docs/openapi.json, runs each suite with its own runner (Maven Surefire, node --test,
# python3 -m unittest), stops everything, and fails if the document or any suite failed.
#
#   sdk/test-against-service.sh [java] [typescript] [python]     (all three when none is named)
#
# Each suite creates its own merchant through the admin API (REFRACT_ADMIN_TOKEN) and reaches the service at
# REFRACT_BASE_URL; REFRACT_SDK_REQUIRE_SERVICE=1 makes a suite fail rather than skip its service tests.
set -euo pipefail
cd "$(dirname "$0")/.."
SUITES=("$@")
[ ${#SUITES[@]} -gt 0 ] || SUITES=(java typescript python)
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
WORK=$(mktemp -d /tmp/refract-sdk.XXXXXX)
chmod 755 "$WORK"
RUN_AS=()
[ "$(id -u)" = 0 ] && RUN_AS=(runuser -u postgres --) # PostgreSQL refuses to run as root

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

cleanup() {
  if [ -n "${APP_PID:-}" ]; then kill "$APP_PID" 2>/dev/null && wait "$APP_PID" 2>/dev/null || true; fi
  "${RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$WORK/pg" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

if [ ! -x "$PG_BIN/initdb" ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends postgresql >/dev/null \
    || { apt-get update >/dev/null && apt-get install -y --no-install-recommends postgresql >/dev/null; }
fi
[ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -B -q package -DskipTests

PG_PORT=$(free_port)
mkdir "$WORK/pg" && chown postgres "$WORK/pg" 2>/dev/null || true
"${RUN_AS[@]}" "$PG_BIN/initdb" -D "$WORK/pg" -A trust -U postgres >/dev/null
"${RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$WORK/pg" -l "$WORK/pg/server.log" -o "-p $PG_PORT -k $WORK/pg -c listen_addresses=127.0.0.1" \
  start >/dev/null
psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 -q -c "create database refract" >/dev/null

HTTP_PORT=$(free_port)
ADMIN_TOKEN=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
(
  export QUARKUS_DATASOURCE_REACTIVE_URL=postgresql://127.0.0.1:$PG_PORT/refract
  export QUARKUS_DATASOURCE_JDBC_URL=jdbc:postgresql://127.0.0.1:$PG_PORT/refract
  export QUARKUS_DATASOURCE_USERNAME=postgres QUARKUS_DATASOURCE_PASSWORD=unused
  export QUARKUS_HTTP_PORT=$HTTP_PORT QUARKUS_HTTP_HOST=127.0.0.1 REFRACT_ADMIN_TOKEN=$ADMIN_TOKEN
  REFRACT_SECRETS_KEY=$(head -c 32 /dev/urandom | base64)
  export REFRACT_SECRETS_KEY
  export REFRACT_CONNECTORS_SANDBOX_ENABLED=true QUARKUS_LOG_CONSOLE_JSON_ENABLED=false
  # notifications reach the suites' receivers within a fraction of a second
  export REFRACT_OUTBOX_INTERVAL=200ms REFRACT_OUTBOX_BACKOFF_BASE=200ms REFRACT_OUTBOX_BACKOFF_MAX=2s
  exec java -jar target/quarkus-app/quarkus-run.jar
) >"$WORK/app.log" 2>&1 &
APP_PID=$!
BASE_URL=http://127.0.0.1:$HTTP_PORT
for _ in $(seq 1 600); do
  curl -sf -o /dev/null "$BASE_URL/q/health/ready" && break
  kill -0 "$APP_PID" 2>/dev/null || { echo "sdk: the service did not start:" >&2; tail -50 "$WORK/app.log" >&2; exit 1; }
  sleep 0.2
done
curl -sf -o /dev/null "$BASE_URL/q/health/ready" || { echo "sdk: the service is not ready" >&2; exit 1; }
echo "sdk: the packaged service answers at $BASE_URL"

failed=()
sdk/openapi.sh check "$BASE_URL" || failed+=(openapi)

export REFRACT_BASE_URL=$BASE_URL REFRACT_ADMIN_TOKEN=$ADMIN_TOKEN REFRACT_SDK_REQUIRE_SERVICE=1
for suite in "${SUITES[@]}"; do
  echo "== sdk/$suite"
  case "$suite" in
    java) cmd=(./mvnw -B -f sdk/java/pom.xml verify) ;;
    typescript) cmd=(bash -c 'cd sdk/typescript && npm ci --no-audit --no-fund --silent && npm test --silent') ;;
    python) cmd=(bash -c 'cd sdk/python && python3 -m unittest discover -s tests -t . -v') ;;
    *) echo "unknown suite $suite" >&2; exit 2 ;;
  esac
  # a suite that hangs fails here rather than holding CI to its limit
  if timeout 900 "${cmd[@]}"; then echo "sdk/$suite: passed"; else echo "sdk/$suite: FAILED"; failed+=("$suite"); fi
done

if ! kill -0 "$APP_PID" 2>/dev/null; then
  echo "sdk: the service died during the suites" >&2
  failed+=(service)
fi
if [ ${#failed[@]} -gt 0 ]; then
  echo "sdk: failed: ${failed[*]}; the service's log ends:" >&2
  tail -40 "$WORK/app.log" >&2
  exit 1
fi
echo "sdk: every suite passed against the packaged service (${SUITES[*]})"
