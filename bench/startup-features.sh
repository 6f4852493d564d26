#!/usr/bin/env bash
# What each feature that can be switched off at run time costs a replica's start, on the JVM build as deployed
# (-Xmx128m, no Flyway at start): bench/startup.sh RUNS times with everything as configured, then RUNS times with
# one feature switched off (or, for a default that was switched off, back on), and a table of the medians side by
# side. CPU time until ready, classes loaded and the live heap barely move with the machine's load; the time to
# ready does, so read the differences in the first three.
#
#   bench/startup-features.sh [RUNS] [VARIANT ...]     # default: 3 runs of every variant
#   bench/startup-features.sh 5 as-deployed workers-off
#
# Switches that are fixed at build time (the Micrometer binders, health checks' presence, extensions) are measured by
# building the jar with the setting changed (./mvnw package -DskipTests -Dquarkus.micrometer.binder.netty.enabled=true)
# and running this script on each build. Needs what bench/startup.sh needs.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
shift || true
BASE_OPTS=${STARTUP_OPTS:--Xmx128m}
JDBC_CHECK='-Dquarkus.smallrye-health.check."io.quarkus.agroal.runtime.health.DataSourceHealthCheck".enabled'

# name | environment for the replica | JVM options added to the base
VARIANTS=(
  "as-deployed||"
  "jdbc-health-check-on||$JDBC_CHECK=true"
  "workers-off|REFRACT_JANITOR_ENABLED=false REFRACT_OUTBOX_ENABLED=false REFRACT_RECONCILIATION_ENABLED=false REFRACT_RECONCILIATION_DAILY_ENABLED=false REFRACT_RECONCILIATION_GAUGES_ENABLED=false REFRACT_BACKLOG_ENABLED=false REFRACT_RETENTION_ENABLED=false REFRACT_CONSOLE_PSP_REPORT_ENABLED=false REFRACT_API_KEYS_LAST_USED_FLUSH_ENABLED=false|"
  "otel-sdk-off|QUARKUS_OTEL_SDK_DISABLED=true|"
  "openapi-off|QUARKUS_SMALLRYE_OPENAPI_ENABLED=false|"
  "hibernate-off|QUARKUS_HIBERNATE_ORM_ACTIVE=false|"
)

wanted() {
  [ $# -eq 0 ] && return 0
  local v
  for v in "${SELECTED[@]}"; do [ "$v" = "$1" ] && return 0; done
  return 1
}
SELECTED=("$@")
OUT=$(mktemp -d /tmp/refract-features.XXXXXX)
trap 'rm -rf "$OUT"' EXIT
median() { sed -n "s/^  $1: .*(median \([0-9.]*\)).*/\1/p" "$2"; }
range() { sed -n "s/^  $1: \([0-9.]*–[0-9.]*\) .*/\1/p" "$2"; }

for variant in "${VARIANTS[@]}"; do
  IFS='|' read -r name env opts <<< "$variant"
  if [ ${#SELECTED[@]} -gt 0 ] && ! wanted "$name"; then continue; fi
  echo "== $name ${env:+($env)} ${opts:+($opts)}"
  if ! STARTUP_QUIET=1 STARTUP_ENV="$env" STARTUP_OPTS="$BASE_OPTS $opts" bench/startup.sh "$RUNS" > "$OUT/$name.txt" 2>&1; then
    echo "  did not start:"; grep -m3 -i "error\|exception" "$OUT/$name.txt" | cut -c1-400 | sed 's/^/    /'
    rm "$OUT/$name.txt"
    continue
  fi
  grep -E "^run |^  " "$OUT/$name.txt"
done

echo
echo "medians over $RUNS runs (ranges in brackets); CPU is user + system of every thread until ready"
printf "%-22s %18s %18s %16s %14s %12s %12s\n" variant "CPU ms" "ready ms" classes "live heap MB" "RSS MB" connections
for f in "$OUT"/*.txt; do
  n=$(basename "$f" .txt)
  printf "%-22s %18s %18s %16s %14s %12s %12s\n" "$n" \
    "$(median "CPU ms until ready" "$f") [$(range "CPU ms until ready" "$f")]" \
    "$(median "ready in ms" "$f") [$(range "ready in ms" "$f")]" \
    "$(median "classes loaded until ready" "$f")" \
    "$(median "live heap MB (forced full GC, idle)" "$f")" \
    "$(median "RSS idle MB" "$f")" \
    "$(median "connections opened until ready" "$f")"
done
