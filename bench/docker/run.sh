#!/bin/bash
# Benchmark of issue 4 point 6: N trivial Docker tasks through Host+Runner vs N direct `docker run --rm`.
# Usage: bench/docker/run.sh [N=200] [CONCURRENCY=4]   (needs scripts/testenv/docker.sh first)
set -euo pipefail
cd "$(dirname "$0")/../.."
B=${BUILD_DIR:-target-bench}
mvn -o -q -DbuildDir="$B" -DskipTests package
mvn -o -q -DbuildDir="$B" test-compile
# The shaded jar carries every runtime dependency; the harness itself uses no test-only library.
exec java -Dhakuriver.jar="$B/hakuriver.jar" -cp "$B/test-classes:$B/hakuriver.jar" io.hakuriver.bench.DockerBench "$@"
