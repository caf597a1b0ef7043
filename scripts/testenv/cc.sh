#!/bin/sh
# Provision a C compiler and a static libc, with which the build makes the Runner's spawn helper
# (src/main/c/hakuriver-spawn.c, scripts/build-native.sh); SpawnHelperTest and ProcessBackendTest need it.
# Idempotent and quiet: does nothing when cc can link a static program. Uses only Debian's package mirror.
set -eu
static_libc() { [ -f "$(cc -print-file-name=libc.a 2>/dev/null)" ]; }
if command -v cc >/dev/null 2>&1 && static_libc; then
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends gcc libc6-dev >/dev/null
command -v cc >/dev/null 2>&1 && static_libc || { echo "cc.sh: no C compiler with a static libc after install" >&2; exit 1; }
