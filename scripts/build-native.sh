#!/bin/sh
# Builds the Runner's spawn helper (src/main/c/hakuriver-spawn.c) into the jar's classes, static and stripped, for
# this machine's architecture: OUT/native/linux-<uname -m>/hakuriver-spawn. Called by Maven (process-classes).
# Without a C compiler and a static libc it says so and builds nothing: the Runner then starts tasks through
# setsid and sh, as before (a little slower), so the build never fails for this.
set -eu
out="$1"
src="$(dirname "$0")/../src/main/c/hakuriver-spawn.c"
dir="$out/native/linux-$(uname -m)"
cc="${CC:-cc}"
if ! command -v "$cc" >/dev/null 2>&1; then
    echo "build-native: no C compiler ($cc): the Runner will start tasks through setsid and sh" >&2
    exit 0
fi
mkdir -p "$dir"
if [ -f "$dir/hakuriver-spawn" ] && [ "$dir/hakuriver-spawn" -nt "$src" ]; then exit 0; fi
if "$cc" -O2 -static -s -Wall -Wextra -o "$dir/hakuriver-spawn.tmp" "$src"; then
    mv "$dir/hakuriver-spawn.tmp" "$dir/hakuriver-spawn"
else
    rm -f "$dir/hakuriver-spawn.tmp"
    echo "build-native: the spawn helper did not build (a static libc is needed: libc6-dev): the Runner will start tasks through setsid and sh" >&2
fi
exit 0
