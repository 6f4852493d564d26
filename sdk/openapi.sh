#!/usr/bin/env bash
# The OpenAPI document the SDKs are generated from, docs/openapi.json, is the one the service serves at /q/openapi.
#
#   sdk/openapi.sh update       rebuilds the service, which writes its document to target/openapi/ at build time
#                               (quarkus.smallrye-openapi.store-schema-directory), copies it to docs/openapi.json and
#                               regenerates what the SDKs commit from it (sdk/python/refract/_types.py). Run it after
#                               any change to the HTTP API, and commit the result with the change.
#   sdk/openapi.sh check URL    fails, with the difference, when the service running at URL serves another document
#                               than docs/openapi.json (sdk/test-against-service.sh runs it in CI).
set -euo pipefail
cd "$(dirname "$0")/.."

case "${1:-}" in
  update)
    ./mvnw -B -q package -DskipTests
    cp target/openapi/openapi.json docs/openapi.json
    python3 sdk/python/generate_types.py docs/openapi.json sdk/python/refract/_types.py
    echo "docs/openapi.json and sdk/python/refract/_types.py updated from the service's build"
    ;;
  check)
    url=${2:?usage: sdk/openapi.sh check http://host:port}
    served=$(mktemp)
    trap 'rm -f "$served"' EXIT
    curl -sf "$url/q/openapi?format=json" -o "$served"
    # compared as JSON, key order aside; the difference is shown as text, keys sorted
    python3 - "$served" docs/openapi.json <<'PY'
import difflib, json, sys
served, committed = (json.load(open(p, encoding="utf-8")) for p in sys.argv[1:3])
if served != committed:
    text = lambda d: json.dumps(d, indent=2, sort_keys=True).splitlines(keepends=True)
    sys.stdout.writelines(difflib.unified_diff(text(committed), text(served), "docs/openapi.json", "served /q/openapi"))
    print("\nopenapi: the running service's document differs from docs/openapi.json; "
          "run sdk/openapi.sh update and commit the result", file=sys.stderr)
    sys.exit(1)
print("openapi: the running service serves docs/openapi.json")
PY
    ;;
  *)
    echo "usage: sdk/openapi.sh update | check URL" >&2
    exit 2
    ;;
esac
