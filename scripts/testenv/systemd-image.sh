#!/bin/bash
# Provision what the systemd integration tests need, idempotently and quietly:
#   1. systemd-analyze on this machine (package `systemd`) for UnitFileVerifyIT,
#   2. a running Docker engine (docker.io + dockerd, reused when `docker info` answers),
#   3. the image local/debian-systemd:bookworm (Debian bookworm + systemd as PID 1), built from nothing with
#      debootstrap + `docker import` (no registry is reachable), reused when present.
# Usage: scripts/testenv/systemd-image.sh [IMAGE]      REBUILD=1 forces a fresh debootstrap.
# Why bookworm: systemd 252 still boots on the cgroup-v1 "hybrid" hosts we run on; newer systemd refuses.
set -euo pipefail
IMAGE=${1:-local/debian-systemd:bookworm}
WORK=${WORK:-/var/tmp/hakuriver-systemd-image}
ROOTFS=$WORK/rootfs
log() { echo "systemd-image: $*" >&2; }

apt_install() {
  local missing=()
  for p in "$@"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]}"
  apt-get -o DPkg::Lock::Timeout=600 update -qq >/dev/null 2>&1 || true
  if ! DEBIAN_FRONTEND=noninteractive NEEDRESTART_MODE=l apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends \
        "${missing[@]}" >/var/tmp/hakuriver-apt.log 2>&1; then
    tail -20 /var/tmp/hakuriver-apt.log >&2; exit 1
  fi
}

# 1. systemd-analyze (the package does not make systemd PID 1; it only brings the tools)
command -v systemd-analyze >/dev/null || apt_install systemd

# 2. Docker engine
if ! docker info >/dev/null 2>&1; then
  command -v dockerd >/dev/null || apt_install docker.io
  if ! docker info >/dev/null 2>&1; then
    log "starting dockerd"
    setsid dockerd >/var/log/dockerd.log 2>&1 < /dev/null &
    for _ in $(seq 1 120); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
    docker info >/dev/null 2>&1 || { log "dockerd did not come up; see /var/log/dockerd.log"; tail -20 /var/log/dockerd.log >&2; exit 1; }
  fi
fi

# 3. the image
if [ "${REBUILD:-0}" != 1 ] && docker image inspect "$IMAGE" >/dev/null 2>&1; then
  exit 0
fi
command -v debootstrap >/dev/null || apt_install debootstrap
# the mirror this machine's apt uses (never a host named here); MIRROR=URL overrides
MIRROR=${MIRROR:-$("$(dirname "$0")/../debian-mirror.sh")}
PKGS=systemd,systemd-sysv,dbus,numactl,procps,iproute2,sudo,python3-minimal

rm -rf "$ROOTFS"; mkdir -p "$WORK/cache"
log "debootstrap bookworm from $MIRROR (about a minute)"
t0=$(date +%s)
if ! debootstrap --variant=minbase --include="$PKGS" --cache-dir="$WORK/cache" bookworm "$ROOTFS" "$MIRROR" \
      >"$WORK/debootstrap.log" 2>&1; then
  log "debootstrap failed; last lines of $WORK/debootstrap.log:"; tail -20 "$WORK/debootstrap.log" >&2; exit 1
fi

# Container tweaks. An empty machine-id makes systemd generate a fresh one per container.
: > "$ROOTFS/etc/machine-id"; rm -f "$ROOTFS/var/lib/dbus/machine-id"
echo systemd-ct > "$ROOTFS/etc/hostname"
# Units that make no sense in a container (ttys, timers, firstboot, kernel modules).
for u in getty@tty1.service console-getty.service systemd-firstboot.service \
         apt-daily.timer apt-daily-upgrade.timer dpkg-db-backup.timer e2scrub_all.timer e2scrub_reap.service fstrim.timer \
         systemd-pstore.service proc-sys-fs-binfmt_misc.automount sys-kernel-config.mount \
         systemd-modules-load.service kmod-static-nodes.service systemd-remount-fs.service; do
  ln -sf /dev/null "$ROOTFS/etc/systemd/system/$u"
done
# Volatile journal without rate limit: fast, and every log line a test looks for is kept.
mkdir -p "$ROOTFS/etc/systemd/journald.conf.d"
printf '[Journal]\nStorage=volatile\nRateLimitBurst=0\n' > "$ROOTFS/etc/systemd/journald.conf.d/ci.conf"
# An unprivileged account for the services (User= must name a real user).
chroot "$ROOTFS" useradd --create-home --uid 1500 --user-group --shell /bin/bash haku >/dev/null
rm -rf "$ROOTFS"/var/cache/apt/archives/*.deb "$ROOTFS"/var/lib/apt/lists/* \
       "$ROOTFS"/usr/share/doc/* "$ROOTFS"/usr/share/man/* "$ROOTFS"/usr/share/info/*
find "$ROOTFS/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name 'locale.alias' -exec rm -rf {} +
install -m 755 "$(dirname "$0")/systemd/ci-init" "$ROOTFS/usr/local/sbin/ci-init"

tar -C "$ROOTFS" --numeric-owner -c . | docker import \
    --change 'ENV container=docker' --change 'CMD ["/usr/local/sbin/ci-init"]' \
    --change 'LABEL hakuriver.testenv=systemd' - "$IMAGE" >/dev/null
# `docker import --change` rejects STOPSIGNAL: bake it with a two-line offline build (the base is local).
BDIR=$(mktemp -d); printf 'FROM %s\nSTOPSIGNAL SIGRTMIN+3\n' "$IMAGE" > "$BDIR/Dockerfile"
DOCKER_BUILDKIT=0 docker build -q -t "$IMAGE" "$BDIR" >/dev/null 2>&1; rm -rf "$BDIR"
rm -rf "$ROOTFS"
log "built $IMAGE in $(( $(date +%s) - t0 )) s"
