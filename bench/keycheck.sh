#!/usr/bin/env bash
# The CPU time of one API key check (bench/KeyCheck.java), on the application's own classes and libraries: no
# database, no server. Needs a JDK; builds the application if it was not built.
#
#   bench/keycheck.sh [KEYS] [WINDOWS]        # default 1000 keys, 9 windows of 1 s each way after 5 of warm-up
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -B -q package -DskipTests
OUT=$(mktemp -d /tmp/refract-keycheck.XXXXXX)
trap 'rm -rf "$OUT"' EXIT
CP="target/classes:target/quarkus-app/lib/main/*:target/quarkus-app/lib/boot/*"
javac -nowarn -d "$OUT" -cp "$CP" bench/KeyCheck.java
# the same class path for the program and the application's classes, so that it may use their package's members
java -Djava.util.logging.manager=org.jboss.logmanager.LogManager ${BENCH_JAVA_OPTS:-} -cp "$OUT:$CP" dev.refract.api.KeyCheck "$@"
