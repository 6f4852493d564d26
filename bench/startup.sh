#!/usr/bin/env bash
# How long a replica takes from exec to its first 200 from /q/health/ready, and its RSS when idle, measured the way
# Kubernetes runs it: the schema is migrated once (`refract migrate`, as the migrate Job does), then each replica
# starts with QUARKUS_FLYWAY_MIGRATE_AT_START=false. Needs Debian's postgresql package.
#
#   bench/startup.sh [RUNS] [BINARY]
#   bench/startup.sh 5                                   # the JVM build, java -jar target/quarkus-app/quarkus-run.jar
#   bench/startup.sh 5 target/refract-0.1.0-SNAPSHOT-runner   # a native binary
#
# STARTUP_OPTS is passed to the process (JVM options for the jar, e.g. -Xmx64m for the binary too).
# The database logs every connection, so the script also reports how many a replica opens before it is ready.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
BINARY=${2:-}
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PORT=55433
HTTP_PORT=18081
WORK=$(mktemp -d /tmp/refract-startup.XXXXXX)
chmod 777 "$WORK"
RUN_AS=()
[ "$(id -u)" = 0 ] && RUN_AS=(runuser -u postgres --)

cleanup() {
  [ -n "${APP_PID:-}" ] && kill "$APP_PID" 2>/dev/null && wait "$APP_PID" 2>/dev/null || true
  "${RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$WORK/pg" -m fast stop >/dev/null 2>&1 || true
  [ -n "${KEEP:-}" ] && cp "$WORK"/*.log /tmp/ 2>/dev/null; rm -rf "$WORK"
}
trap cleanup EXIT

if [ -z "$BINARY" ]; then
  [ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -B -q package -DskipTests
  CMD=(java ${STARTUP_OPTS:-} -jar target/quarkus-app/quarkus-run.jar)
else
  CMD=("$BINARY" ${STARTUP_OPTS:-})
fi
echo refract > "$WORK/pw" && chmod 644 "$WORK/pw"
"${RUN_AS[@]}" "$PG_BIN/initdb" -D "$WORK/pg" -A scram-sha-256 --pwfile="$WORK/pw" -U postgres >/dev/null
"${RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$WORK/pg" -l "$WORK/pg.log" \
  -o "-p $PORT -k $WORK -c log_connections=on" start >/dev/null
PGPASSWORD=refract psql -h localhost -p $PORT -U postgres -q -c "create database refract" >/dev/null

export QUARKUS_DATASOURCE_REACTIVE_URL=postgresql://localhost:$PORT/refract
export QUARKUS_DATASOURCE_JDBC_URL=jdbc:postgresql://localhost:$PORT/refract
export QUARKUS_DATASOURCE_USERNAME=postgres QUARKUS_DATASOURCE_PASSWORD=refract
export QUARKUS_HTTP_PORT=$HTTP_PORT REFRACT_ADMIN_TOKEN=startup-admin
export REFRACT_SECRETS_KEY=$(head -c 32 /dev/urandom | base64)

# the migrate Job
QUARKUS_FLYWAY_MIGRATE_AT_START=true QUARKUS_FLYWAY_VALIDATE_AT_START=false REFRACT_JANITOR_ENABLED=false REFRACT_OUTBOX_ENABLED=false \
  "${CMD[@]}" migrate > "$WORK/migrate.log" 2>&1
echo "migrate: exit $?"

export QUARKUS_FLYWAY_MIGRATE_AT_START=false
for run in $(seq 1 "$RUNS"); do
  before=$(grep -c "connection authorized" "$WORK/pg.log" || true)
  start=$(date +%s%N)
  "${CMD[@]}" > "$WORK/app.log" 2>&1 &
  APP_PID=$!
  until curl -sf -o /dev/null "localhost:$HTTP_PORT/q/health/ready"; do
    kill -0 "$APP_PID" 2>/dev/null || { cat "$WORK/app.log"; exit 1; }
    sleep 0.005
  done
  ready=$(( ($(date +%s%N) - start) / 1000000 ))
  at_ready=$(( $(grep -c "connection authorized" "$WORK/pg.log" || true) - before ))
  sleep 3
  rss=$(( $(ps -o rss= -p $APP_PID) / 1024 ))
  started=$(grep -o "started in [0-9.]*s" "$WORK/app.log" | head -1 || true)
  echo "run $run: ready in $ready ms ($started), connections opened until ready $at_ready, RSS idle $rss MB"
  kill "$APP_PID"; wait "$APP_PID" 2>/dev/null || true
  APP_PID=
done
