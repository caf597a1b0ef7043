#!/bin/sh
# Device check for a machine with NVIDIA GPUs and drivers: starts a Host and a Runner on this machine (loopback,
# a scratch directory), checks that the Runner discovered every GPU nvidia-smi lists, runs
# `--gpus 1 -- nvidia-smi -L`, then two one-GPU tasks at once (the collision test) and prints what each task saw.
# Exit 0 when every check passed. Needs: nvidia-smi working, Java 17+, the jar (built with Maven when missing).
#
#   scripts/gpu-check.sh                          # plain-process tasks, any user
#   sudo GPU_CHECK_BACKEND=systemd scripts/gpu-check.sh   # systemd scopes: also checks the device isolation
#
# GPU_CHECK_PORT (default 18600; the Runner takes the next port) and GPU_CHECK_DIR (default: a new temp dir).
set -eu
cd "$(dirname "$0")/.."
root=$(pwd)
backend=${GPU_CHECK_BACKEND:-process}
port=${GPU_CHECK_PORT:-18600}
rport=$((port + 1))
dir=${GPU_CHECK_DIR:-$(mktemp -d /tmp/hakuriver-gpu-check.XXXXXX)}
fail=0

say() { printf '%s\n' "$*"; }
bad() { say "FAIL: $*"; fail=1; }

case "$backend" in process|systemd) ;; *) say "GPU_CHECK_BACKEND must be process or systemd"; exit 2 ;; esac
command -v nvidia-smi >/dev/null 2>&1 || { say "nvidia-smi not found: this check needs a machine with NVIDIA GPUs and drivers"; exit 2; }
expected=$(nvidia-smi -L | grep -c '^GPU ' || true)
[ "$expected" -ge 1 ] || { say "nvidia-smi lists no GPU:"; nvidia-smi -L || true; exit 2; }
if [ "$backend" = systemd ] && { [ "$(id -u)" -ne 0 ] || [ ! -d /run/systemd/system ]; }; then
  say "GPU_CHECK_BACKEND=systemd needs root and systemd as PID 1"; exit 2
fi
[ -f target/hakuriver.jar ] || mvn -q -DskipTests package

mkdir -p "$dir/shared" "$dir/temp" "$dir/db"
allow_root=false
[ "$(id -u)" -eq 0 ] && allow_root=true   # a check run as root runs its tasks as root
cat > "$dir/config.toml" <<TOML
[network]
host_bind_ip = "127.0.0.1"
host_port = $port
host_reachable_address = "127.0.0.1"
runner_address = "127.0.0.1"
runner_port = $rport
runner_bind_ip = "127.0.0.1"
[paths]
shared_dir = "$dir/shared"
local_temp_dir = "$dir/temp"
[database]
db_file = "$dir/db/cluster.db"
[timing]
heartbeat_interval = 1
[docker]
default_container_name = "NULL"
[runner]
name = "gpu-check"
null_backend = "$backend"
allow_root_tasks = $allow_root
state_dir = "$dir/runner-state"
[gpu]
nvidia_smi = "$(command -v nvidia-smi)"
TOML
export HAKURIVER_CONFIG="$dir/config.toml"
client() { bin/hakuriver client "$@"; }

bin/hakuriver host >"$dir/host.log" 2>&1 & hostpid=$!
bin/hakuriver runner >"$dir/runner.log" 2>&1 & runnerpid=$!
cleanup() { kill "$runnerpid" "$hostpid" 2>/dev/null || true; wait 2>/dev/null || true; say "logs and outputs in $dir"; }
trap cleanup EXIT INT TERM

i=0
until client --list-nodes 2>/dev/null | grep -q '^gpu-check  *online'; do
  i=$((i + 1))
  if [ "$i" -gt 90 ]; then say "the Runner did not come online; see $dir/host.log and $dir/runner.log"; exit 1; fi
  sleep 1
done
say "== cluster (backend: $backend)"
client --list-nodes
found=$(client --list-nodes | grep -c '^gpu-check  *[0-9]' || true)
if [ "$found" -eq "$expected" ]; then say "ok: the Runner discovered all $expected GPU(s)"; else bad "nvidia-smi lists $expected GPU(s), the Runner reported $found"; fi

# Submits a task (arguments after the function name), prints its id.
submit() { client --container NULL "$@" | sed -n 's/^  task \([0-9][0-9]*\)$/\1/p' | head -1; }
state() { client --status "$1" | sed -n 's/^Task [0-9]*  \[\(.*\)\]$/\1/p'; }
await_end() {
  n=0
  while :; do
    s=$(state "$1")
    case "$s" in completed|failed|killed|killed_oom|lost) say "$s"; return ;; esac
    n=$((n + 1)); [ "$n" -gt 300 ] && { say "timeout"; return; }
    sleep 1
  done
}
out() { cat "$dir/shared/task_outputs/$1.out" 2>/dev/null || true; }
seen_uuid() { out "$1" | sed -n 's/^CUDA_VISIBLE_DEVICES=//p'; }

# Prints what the GPU tools see from inside a task, then its variables (the task ends with status 0 either way).
probe='nvidia-smi -L; echo "nvidia-smi exit=$?"; echo "CUDA_VISIBLE_DEVICES=$CUDA_VISIBLE_DEVICES"; echo "HAKURIVER_GPUS=$HAKURIVER_GPUS"'

say ""
say "== --gpus 1 -- nvidia-smi -L"
one=$(submit --gpus 1 -- nvidia-smi -L)
[ -n "$one" ] || { bad "submit failed"; exit 1; }
[ "$(await_end "$one")" = completed ] || bad "task $one did not complete"
out "$one"
client --status "$one" | grep '^  gpus:' || bad "task $one shows no GPU"

say ""
say "== collision test: two one-GPU tasks at once"
# each holds its GPU for 20 s, long enough to be seen holding it at the same time (or, with one GPU, waiting)
a=$(submit --gpus 1 -- sh -c "$probe; sleep 20")
b=$(submit --gpus 1 -- sh -c "$probe; sleep 20")
[ -n "$a" ] && [ -n "$b" ] || { bad "submit failed"; exit 1; }
n=0
while :; do
  sa=$(state "$a"); sb=$(state "$b")
  [ "$sa" = running ] && { [ "$sb" = running ] || [ "$sb" = pending ]; } && break
  n=$((n + 1)); [ "$n" -gt 60 ] && break
  sleep 1
done
say "while the first runs: task $a $sa, task $b $sb"
ra=$(await_end "$a"); rb=$(await_end "$b")
for t in "$a" "$b"; do say "--- task $t saw:"; out "$t"; done
[ "$ra" = completed ] && [ "$rb" = completed ] || bad "tasks ended as $ra / $rb"
ua=$(seen_uuid "$a"); ub=$(seen_uuid "$b")
for u in "$ua" "$ub"; do
  case "$u" in
    GPU-*) nvidia-smi -L | grep -q "UUID: $u)" || bad "$u is not a GPU of this machine" ;;
    *) bad "a task saw CUDA_VISIBLE_DEVICES='$u', not one GPU UUID" ;;
  esac
done
if [ "$expected" -ge 2 ]; then
  [ "$sa" = running ] && [ "$sb" = running ] || bad "the two tasks did not run at the same time ($sa / $sb)"
  if [ "$ua" != "$ub" ]; then say "ok: the two tasks ran at the same time on different GPUs ($ua, $ub)"; else bad "both tasks got $ua"; fi
else
  # one GPU: the second task must wait in the queue while the first holds it
  if [ "$sa" = running ] && [ "$sb" = pending ]; then say "ok: with one GPU the second task waited for the first"; else bad "the only GPU was not held by one task at a time ($sa / $sb)"; fi
fi
if [ "$backend" = systemd ]; then
  for t in "$a" "$b"; do
    u=$(seen_uuid "$t")
    others=$(out "$t" | sed -n 's/^GPU .*(UUID: \(GPU-[^)]*\))$/\1/p' | grep -v -x "$u" || true)
    if [ -z "$others" ] && out "$t" | grep -q "UUID: $u)"; then say "ok: task $t's nvidia-smi sees only $u"
    else bad "task $t's nvidia-smi sees other GPUs: $others"; fi
  done
else
  say "(process backend: nvidia-smi ignores CUDA_VISIBLE_DEVICES and lists every GPU; CUDA programs see only the one named."
  say " GPU_CHECK_BACKEND=systemd checks the device isolation too.)"
fi

say ""
if [ "$fail" -eq 0 ]; then say "gpu-check: all checks passed"; else say "gpu-check: FAILED"; fi
exit "$fail"
