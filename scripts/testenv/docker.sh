#!/bin/bash
# Provision a Docker engine for the integration tests (idempotent, quiet; Debian 12, run as root).
#  1. install docker.io + busybox-static when dockerd/busybox are missing (Debian mirror only),
#  2. start dockerd in the background unless a daemon already answers `docker info`,
#  3. import the tiny test image hakuriver-test/busybox:1 (busybox-static + applet symlinks) if absent.
# There is no registry on CI machines: images come from `docker import`, never `docker pull`.
set -euo pipefail
IMAGE=${HAKURIVER_TEST_IMAGE:-hakuriver-test/busybox:1}
log() { echo "[testenv/docker] $*" >&2; }

# busybox-static, not the dynamically linked busybox: the binary is copied alone into the image.
if ! command -v dockerd >/dev/null 2>&1 || ! command -v docker >/dev/null 2>&1 || ! dpkg -s busybox-static >/dev/null 2>&1; then
  log "installing docker.io busybox-static"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update -qq >/dev/null
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq docker.io busybox-static >/dev/null
fi

if ! docker info >/dev/null 2>&1; then
  log "starting dockerd (log: /var/log/dockerd.log)"
  setsid dockerd >/var/log/dockerd.log 2>&1 < /dev/null &
  for _ in $(seq 1 120); do
    docker info >/dev/null 2>&1 && break
    sleep 0.5
  done
  if ! docker info >/dev/null 2>&1; then
    log "dockerd did not come up within 60 s; last log lines:"; tail -n 20 /var/log/dockerd.log >&2; exit 1
  fi
fi

if ! docker image inspect "$IMAGE" >/dev/null 2>&1; then
  log "importing $IMAGE from /bin/busybox"
  ROOT=$(mktemp -d)
  trap 'rm -rf "$ROOT"' EXIT
  mkdir -p "$ROOT/bin" "$ROOT/tmp" "$ROOT/shared" "$ROOT/local_temp" "$ROOT/etc" "$ROOT/root"
  cp /bin/busybox "$ROOT/bin/busybox"
  # sh is needed for `/bin/sh -c` task commands; the rest are what tests and shells use.
  for a in sh echo cat sleep env ls true false id touch mkdir rm printf head tail grep wc dd stty sync test kill ps date; do
    ln -s busybox "$ROOT/bin/$a"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\n' > "$ROOT/etc/passwd"
  printf 'root:x:0:\n' > "$ROOT/etc/group"
  tar -C "$ROOT" -c . | docker import -c 'ENV PATH=/bin' - "$IMAGE" >/dev/null
  docker run --rm --network none "$IMAGE" true || { log "imported $IMAGE does not run"; exit 1; }
fi
docker image inspect "$IMAGE" >/dev/null
