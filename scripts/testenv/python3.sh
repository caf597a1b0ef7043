#!/bin/sh
# Provision python3 for the hakurun tests of Python module/function targets (HakurunAppTest).
# Idempotent and quiet: does nothing when python3 is already on PATH. Uses only Debian's package mirror.
set -eu
if command -v python3 >/dev/null 2>&1; then
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends python3-minimal >/dev/null
command -v python3 >/dev/null 2>&1 || { echo "python3.sh: python3 still missing after install" >&2; exit 1; }
