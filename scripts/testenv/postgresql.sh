#!/bin/bash
# PostgreSQL for the integration tests that run the Host on it (issue 15): Debian's postgresql package gives initdb
# and pg_ctl under /usr/lib/postgresql/<version>/bin. The tests start their own throw-away server as the postgres
# account on a loopback port (testsupport/Postgres), so the system's cluster is not needed: it is stopped and kept
# from starting, leaving port 5432 and the machine's memory alone. Idempotent.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
    apt-get update -qq
    # policy-rc.d 101: the package's own cluster is not started by the install (no init system in CI containers)
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
        trap 'rm -f /usr/sbin/policy-rc.d' EXIT
    fi
    apt-get install -y -qq postgresql >/dev/null
fi
id postgres >/dev/null 2>&1 || { echo "the postgresql package did not create the postgres account" >&2; exit 1; }
command -v runuser >/dev/null || { echo "runuser (util-linux) is missing" >&2; exit 1; }
ls -d /usr/lib/postgresql/*/bin | tail -1
