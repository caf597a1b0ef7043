#!/bin/sh
# Prints the Debian mirror this machine's apt already uses (deb822 *.sources "URIs:" lines, or the one-line
# "deb URL suite ..." format of sources.list), so scripts and docs never name a mirror host themselves.
# Usage: debootstrap --variant=minbase bookworm ROOT "$(scripts/debian-mirror.sh)"
set -eu
m=$( { grep -hE '^[[:space:]]*URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | sed 's/^[[:space:]]*URIs:[[:space:]]*//' | tr ' ' '\n';
       grep -hE '^[[:space:]]*deb[[:space:]]' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
         | sed -E 's/^[[:space:]]*deb[[:space:]]+(\[[^]]*\][[:space:]]+)?([^[:space:]]+).*/\2/'; } \
     | grep -E '^https?://.*/debian/?$' | grep -v security | head -1 || true)
if [ -z "$m" ]; then
  echo "debian-mirror.sh: no Debian mirror in /etc/apt/sources.list or /etc/apt/sources.list.d/*.sources; set MIRROR=URL" >&2
  exit 1
fi
printf '%s\n' "${m%/}"
