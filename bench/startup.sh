#!/usr/bin/env bash
# How long a replica takes from exec to its first 200 from /q/health/ready, what it did until then, and its memory,
# measured the way Kubernetes runs it: the schema is migrated once (`refract migrate`, as the migrate Job does),
# then each replica starts with QUARKUS_FLYWAY_MIGRATE_AT_START=false. Needs Debian's postgresql package.
#
#   bench/startup.sh [RUNS] [BINARY]
#   bench/startup.sh 5                                         # the JVM build: java -jar target/quarkus-app/quarkus-run.jar
#   bench/startup.sh 5 target/refract-0.1.0-SNAPSHOT-runner    # a native binary
#   STARTUP_OPTS="-Xmx128m" bench/startup.sh 5 target/refract-0.1.0-SNAPSHOT-runner   # as deployed
#
# Per run it prints the time to ready, the CPU time the process used until then (user + system, every thread: on a
# shared machine the wall time varies with the neighbours' load, the CPU time much less), the connections the replica opened until then (the database logs every
# connection), its RSS after 3 s idle and, for the JVM build, the figures that do not depend on how busy the machine
# is: the classes loaded until ready (-Xlog:class+load, cut at readiness; by feature at the end, through
# bench/StartupFeatures.java) and the live heap after a forced full GC of the idle replica. The last lines are each
# figure's range over the runs.
#
# STARTUP_OPTS is passed to the process (JVM options for the jar; -X options for the binary, which reads them).
# STARTUP_ALLOC=1 (JVM only) runs on the Epsilon GC without TLABs, which never frees anything, and reports the
#   bytes allocated until ready instead of the idle memory: the heap a replica churns through to start.
# STARTUP_JFR=1 (JVM only) records each replica with JFR's allocation samples and prints, per feature, the bytes
#   allocated until ready by the feature that caused them (bench/StartupFeatures.java alloc). JFR adds its own
#   classes and work: read the other figures from runs without it.
# STARTUP_LOAD=RATE:SECONDS (e.g. 200:20) enables the sandbox PSP and, after the idle figures, creates refunds at
#   RATE per second for SECONDS with bench/LoadGen.java, then prints the RSS (and live heap) after that load.
# STARTUP_ENV="NAME=value ..." is set for the replicas only (not the migrate run): one feature switched at a time
#   (bench/startup-features.sh runs every switch in turn and tabulates them).
# STARTUP_QUIET=1 leaves out the classes by feature at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
BINARY=${2:-}
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PORT=${STARTUP_PG_PORT:-55433}
HTTP_PORT=${STARTUP_HTTP_PORT:-18081}
WORK=$(mktemp -d /tmp/refract-startup.XXXXXX)
chmod 777 "$WORK"
RUN_AS=()
[ "$(id -u)" = 0 ] && RUN_AS=(runuser -u postgres --)

cleanup() {
  [ -n "${APP_PID:-}" ] && kill "$APP_PID" 2>/dev/null && wait "$APP_PID" 2>/dev/null || true
  "${RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$WORK/pg" -m fast stop >/dev/null 2>&1 || true
  # KEEP=DIR keeps the logs (the database's, the application's, the class-load logs cut at readiness) and the JFR
  # recordings in DIR
  if [ -n "${KEEP:-}" ]; then mkdir -p "$KEEP" && cp "$WORK"/*.log "$WORK"/*.txt "$WORK"/*.jfr "$KEEP"/ 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

JVM=
if [ -z "$BINARY" ]; then
  JVM=1
  [ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -B -q package -DskipTests
  CMD=(java ${STARTUP_OPTS:-} -jar target/quarkus-app/quarkus-run.jar)
  if [ -n "${STARTUP_ALLOC:-}" ]; then
    CMD=(java -XX:+UnlockExperimentalVMOptions -XX:+UseEpsilonGC -XX:-UseTLAB -Xms2g -Xmx2g ${STARTUP_OPTS:-}
      -jar target/quarkus-app/quarkus-run.jar)
  fi
  REPLICA=("${CMD[@]:0:${#CMD[@]}-2}" "-Xlog:class+load=info:file=$WORK/classes.log")
  if [ -n "${STARTUP_JFR:-}" ]; then
    # every TLAB a thread takes and every allocation outside one, with its stack: their sizes add up to what was
    # allocated (the default sampling, a few hundred a second, leaves too few samples for a start)
    java_home=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
    sed -e '/jdk.ObjectAllocationInNewTLAB\|jdk.ObjectAllocationOutsideTLAB/,/<\/event>/ s/control="gc-enabled-high">false/control="gc-enabled-high">true/' \
      "$java_home/lib/jfr/profile.jfc" > "$WORK/allocations.jfc"
    # small fixed TLABs: one event per 16 KiB, so that each feature's share rests on many stacks
    REPLICA+=(-XX:TLABSize=16k -XX:-ResizeTLAB -XX:FlightRecorderOptions:stackdepth=512
      "-XX:StartFlightRecording=filename=$WORK/replica.jfr,settings=$WORK/allocations.jfc,dumponexit=true")
  fi
  REPLICA+=(-jar target/quarkus-app/quarkus-run.jar)
else
  [ -z "${STARTUP_ALLOC:-}${STARTUP_JFR:-}" ] || { echo "STARTUP_ALLOC and STARTUP_JFR are for the JVM build" >&2; exit 2; }
  CMD=("$BINARY" ${STARTUP_OPTS:-})
  REPLICA=("${CMD[@]}")
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
if [ -n "${STARTUP_LOAD:-}" ]; then
  export REFRACT_CONNECTORS_SANDBOX_ENABLED=true
  export REFRACT_RATE_LIMIT_REQUESTS_PER_SECOND=1000000 REFRACT_RATE_LIMIT_BURST=1000000
fi

# the migrate Job
QUARKUS_FLYWAY_MIGRATE_AT_START=true QUARKUS_FLYWAY_VALIDATE_AT_START=false REFRACT_JANITOR_ENABLED=false REFRACT_OUTBOX_ENABLED=false \
  "${CMD[@]}" migrate > "$WORK/migrate.log" 2>&1
echo "migrate: exit $?"

# KiB of Java heap in use, from jcmd GC.heap_info: the sum of the generations' "used", or for Epsilon (which prints
# only addresses) its allocation space's top minus its bottom
heap_kib() {
  local info
  info=$(jcmd "$1" GC.heap_info 2>/dev/null | grep -v -e Metaspace -e "class space")
  if echo "$info" | grep -q "used [0-9]*K"; then
    echo "$info" | grep -o "used [0-9]*K" | tr -dc '0-9\n' | awk '{ s += $1 } END { print s }'
  else
    set -- $(echo "$info" | grep -o "0x[0-9a-f]*" | head -2)
    echo $(( ($2 - $1) / 1024 ))
  fi
}
range() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) exit; m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%s–%s (median %s)", v[1], v[NR], m }'; }

export QUARKUS_FLYWAY_MIGRATE_AT_START=false
TICK_MS=$(( 1000 / $(getconf CLK_TCK) ))
for run in $(seq 1 "$RUNS"); do
  rm -f "$WORK/classes.log"
  before=$(grep -c "connection authorized" "$WORK/pg.log" || true)
  start=$(date +%s%N)
  env ${STARTUP_ENV:-} "${REPLICA[@]}" > "$WORK/app.log" 2>&1 &
  APP_PID=$!
  until curl -sf -o /dev/null "localhost:$HTTP_PORT/q/health/ready"; do
    kill -0 "$APP_PID" 2>/dev/null || { cat "$WORK/app.log"; exit 1; }
    sleep 0.005
  done
  ready_at=$(date +%s%N)
  cpu=$(awk -v t="$TICK_MS" '{ print ($14 + $15) * t }' "/proc/$APP_PID/stat")
  ready=$(( (ready_at - start) / 1000000 ))
  line="run $run: ready in $ready ms, CPU $cpu ms"
  echo "$ready" >> "$WORK/ready"
  echo "$cpu" >> "$WORK/cpu"
  if [ -n "$JVM" ]; then
    cp "$WORK/classes.log" "$WORK/classes-$run.txt"
    classes=$(grep -c "\[class,load\]" "$WORK/classes-$run.txt" || true)
    echo "$classes" >> "$WORK/classes"
    line="$line, $classes classes loaded"
  fi
  at_ready=$(( $(grep -c "connection authorized" "$WORK/pg.log" || true) - before ))
  echo "$at_ready" >> "$WORK/connections"
  line="$line, $at_ready connections opened"
  if [ -n "${STARTUP_ALLOC:-}" ]; then
    allocated=$(( $(heap_kib "$APP_PID") / 1024 ))
    echo "$allocated" >> "$WORK/allocated"
    line="$line, $allocated MB allocated until ready"
  else
    sleep 3
    rss=$(( $(ps -o rss= -p $APP_PID) / 1024 ))
    echo "$rss" >> "$WORK/rss"
    line="$line, RSS idle $rss MB"
    if [ -n "$JVM" ]; then
      jcmd "$APP_PID" GC.run >/dev/null
      live=$(( $(heap_kib "$APP_PID") / 1024 ))
      echo "$live" >> "$WORK/live"
      line="$line, live heap $live MB"
    fi
  fi
  started=$(grep -o "started in [0-9.]*s" "$WORK/app.log" | head -1 || true)
  echo "$line ($started)"
  if [ -n "${STARTUP_LOAD:-}" ] && [ -z "${STARTUP_ALLOC:-}" ]; then
    java -Dwarmup=0 -Dprefix="s$run" bench/LoadGen.java "http://localhost:$HTTP_PORT" startup-admin create \
      "${STARTUP_LOAD%%:*}" "${STARTUP_LOAD##*:}" > "$WORK/load.txt"
    grep -E '^ +[0-9]' "$WORK/load.txt" | sed 's/^/  load: /'
    sleep 3
    loaded="  after load: RSS $(( $(ps -o rss= -p $APP_PID) / 1024 )) MB"
    echo $(( $(ps -o rss= -p $APP_PID) / 1024 )) >> "$WORK/rss-load"
    if [ -n "$JVM" ]; then
      jcmd "$APP_PID" GC.run >/dev/null
      loaded="$loaded, live heap $(( $(heap_kib "$APP_PID") / 1024 )) MB"
    fi
    echo "$loaded"
  fi
  kill "$APP_PID"; wait "$APP_PID" 2>/dev/null || true
  APP_PID=
  if [ -n "${STARTUP_JFR:-}" ] && [ -n "$JVM" ]; then
    java bench/StartupFeatures.java alloc "$WORK/replica.jfr" $(( ready_at / 1000000 )) | sed 's/^/  /'
    mv "$WORK/replica.jfr" "$WORK/replica-$run.jfr"
  fi
done

echo "over $RUNS runs:"
echo "  ready in ms: $(range < "$WORK/ready")"
echo "  CPU ms until ready: $(range < "$WORK/cpu")"
echo "  connections opened until ready: $(range < "$WORK/connections")"
[ -f "$WORK/classes" ] && echo "  classes loaded until ready: $(range < "$WORK/classes")"
[ -f "$WORK/allocated" ] && echo "  MB allocated until ready: $(range < "$WORK/allocated")"
[ -f "$WORK/rss" ] && echo "  RSS idle MB: $(range < "$WORK/rss")"
[ -f "$WORK/live" ] && echo "  live heap MB (forced full GC, idle): $(range < "$WORK/live")"
[ -f "$WORK/rss-load" ] && echo "  RSS after load MB: $(range < "$WORK/rss-load")"
if [ -n "$JVM" ] && [ -z "${STARTUP_QUIET:-}" ]; then
  java bench/StartupFeatures.java classes "$WORK"/classes-*.txt
fi
