#!/usr/bin/env bash
# What each dependency of pom.xml puts on the class path native-image is handed: the bytes of the classes of every
# jar in target/native-sources/lib, summed per dependency (bench/ImageClassPath.java). A proxy of what each adds to
# the binary, for ranking them and for finding what no feature uses; native-image compiles only what is reachable,
# so the binary grows by less.
#
#   bench/classpath.sh            # runs the sources-only native build first if target/native-sources is missing
#   bench/classpath.sh rebuild    # runs it again
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = rebuild ] || [ ! -f target/native-sources/native-image.args ]; then
  ./mvnw -B -q package -Dnative -Dquarkus.native.sources-only=true -DskipTests
fi
TREE=$(mktemp /tmp/refract-tree.XXXXXX)
trap 'rm -f "$TREE"' EXIT
# the verbose tree keeps every edge, the duplicates included, so that each dependency's closure is complete
./mvnw -B -q dependency:tree -Dscope=runtime -Dverbose -DoutputFile="$TREE" >/dev/null
java bench/ImageClassPath.java target/native-sources "$TREE"
