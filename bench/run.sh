#!/bin/sh
# bench/run.sh [a|b|c|all]... — builds HakuRiver if needed, then runs the end-to-end benchmarks of issue 2 item 11:
#   a: /submit throughput against simulated runners   b: submit->completed overhead of /bin/true
#   c: start-up times and Host/Runner RSS at idle and after 1,000 tasks   d: end-to-end burst of 2,000 /bin/true tasks vs the spawn floor
#   e: Host CPU with 200 simulated runners heart-beating every second
# Results are printed and written to bench/results/<name>-<UTC time>.txt.
# Environment: BENCH_NO_BUILD=1 (use the existing build as is), BENCH_OPTS (extra -Dbench.* tunables, see bench/README.md), BENCH_BUILD_DIR (default: target),
#              JAVA_HOME (else java on PATH), HAKURIVER_JAVA_OPTS (passed on to the launcher, like in production).
set -eu
root=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd -P)
cd "$root"

usage() { echo "usage: bench/run.sh [a|b|c|d|all]...   (a) submit throughput  (b) task overhead  (c) memory + start-up  (d) end-to-end burst  (e) 200 runners" >&2; }
for a in "$@"; do
  case $a in
    a|b|c|d|e|all) ;;
    -h|--help) usage; exit 0 ;;
    *) echo "bench: unknown benchmark '$a'" >&2; usage; exit 2 ;;
  esac
done

build=${BENCH_BUILD_DIR:-target}
jar=$build/hakuriver.jar
main=$build/test-classes/io/hakuriver/bench/BenchMain.class
mvnflags="-q"
[ "$build" = target ] || mvnflags="$mvnflags -DbuildDir=$build"

stale() {
  [ ! -f "$jar" ] || [ ! -f "$main" ] && return 0
  [ -n "$(find src/main pom.xml -newer "$jar" -type f 2>/dev/null | head -n 1)" ] && return 0
  [ -n "$(find src/test -newer "$main" -type f 2>/dev/null | head -n 1)" ] && return 0
  return 1
}
if [ -z "${BENCH_NO_BUILD:-}" ] && stale; then
  echo "bench: building ($build) ..." >&2
  # offline first (the usual case once dependencies are cached), online when something is missing
  # shellcheck disable=SC2086
  mvn $mvnflags -o -DskipTests package || mvn $mvnflags -DskipTests package
fi

if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then java=$JAVA_HOME/bin/java; else java=java; fi
# The shaded jar carries every runtime dependency the harness needs; test-classes holds the harness itself.
# shellcheck disable=SC2086
exec "$java" -Xmx512m ${BENCH_OPTS:-} \
  -Dhakuriver.jar="$root/$jar" -Dhakuriver.launcher="$root/bin/hakuriver" -Dbench.results="$root/bench/results" \
  -cp "$root/$build/test-classes:$root/$jar" io.hakuriver.bench.BenchMain "$@"
