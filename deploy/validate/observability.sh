#!/usr/bin/env bash
# Validates the alert rules and the Grafana dashboard: promtool checks the rules and runs their unit tests, and
# parses every dashboard query (written out as recording rules by dashboard.mjs). Needs promtool (Debian's
# prometheus package) and node. Which metrics they name is checked against the application by
# ObservabilityArtifactsTest.
set -euo pipefail
cd "$(dirname "$0")/.."
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
promtool check rules prometheus/refract-alerts.yaml
(cd prometheus && promtool test rules refract-alerts.test.yaml)
node validate/dashboard.mjs grafana/refract-dashboard.json > "$TMP/dashboard-rules.yaml"
promtool check rules "$TMP/dashboard-rules.yaml"
