#!/usr/bin/env bash
# Runs the integration tests (the packaged application, its live janitor and outbox, Chromium, Keycloak) RUNS times
# in a row while HOGS busy loops compete for the CPU, and prints which tests failed in which run. A test that fails
# only when the machine is slow is a test whose assertion depends on timing: this is how such tests are found.
# Each run's failsafe reports are kept under target/it-repeat/run-N.
#
#   bench/it-repeat.sh [RUNS] [HOGS]          # e.g. bench/it-repeat.sh 20 2
#   IT_REPEAT_ARGS="-Dit.test=StripeWebhookIT" bench/it-repeat.sh 10 2
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-20}
HOGS=${2:-2}
OUT=target/it-repeat
rm -rf "$OUT"
mkdir -p "$OUT"

hogs=()
stop_hogs() { for pid in "${hogs[@]:-}"; do [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; done; }
trap stop_hogs EXIT
for _ in $(seq 1 "$HOGS"); do
  (while :; do :; done) &
  hogs+=("$!")
done

failed_runs=0
for run in $(seq 1 "$RUNS"); do
  start=$(date +%s)
  if ./mvnw -B verify -DskipUTs ${IT_REPEAT_ARGS:-} > "$OUT/run-$run.log" 2>&1; then
    status=passed
  else
    status=FAILED
    failed_runs=$((failed_runs + 1))
  fi
  mkdir -p "$OUT/run-$run"
  cp target/failsafe-reports/*.xml "$OUT/run-$run/" 2>/dev/null || true
  tests=$(cat "$OUT"/run-"$run"/TEST-*.xml 2>/dev/null | grep -o '<testcase ' | wc -l)
  # no failing test is the usual case: grep then finds nothing, which must not end the script
  failures=$( { grep -l -E '<(failure|error)[ >]' "$OUT"/run-"$run"/TEST-*.xml 2>/dev/null || true; } \
    | xargs -r grep -h -B1 -E '<(failure|error)[ >]' | { grep -o 'testcase name="[^"]*" classname="[^"]*"' || true; } \
    | sed -E 's/testcase name="([^"]*)" classname="([^"]*)"/\2.\1/' | sort -u | tr '\n' ' ')
  echo "run $run: $status in $(( $(date +%s) - start )) s, $tests tests${failures:+, failed: $failures}"
done
echo "$((RUNS - failed_runs)) of $RUNS runs passed with $HOGS CPU hogs beside them"
[ "$failed_runs" -eq 0 ]
