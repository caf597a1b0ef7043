#!/bin/sh
# Provision the Prometheus text-format parser of the official Python client (Debian's python3-prometheus-client),
# which MetricsIT feeds the Host's /metrics through. Idempotent and quiet; uses only Debian's package mirror.
set -eu
if /usr/bin/python3 -c 'import prometheus_client.parser' >/dev/null 2>&1; then
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends python3-prometheus-client >/dev/null
/usr/bin/python3 -c 'import prometheus_client.parser' || { echo "prometheus-parser.sh: prometheus_client still missing" >&2; exit 1; }
