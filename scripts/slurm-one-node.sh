#!/usr/bin/env bash
# A throwaway one-node Slurm cluster (slurmctld + slurmd + a private munged) for tests that submit jobs with
# sbatch, on Debian/Ubuntu, run as root. CI (.ci/run) and developers on Linux use it the same way:
#
#   scripts/slurm-one-node.sh install            # apt-get install slurm-wlm and munge, when missing
#   state=$(mktemp -d)
#   scripts/slurm-one-node.sh start "$state"     # waits until a trivial sbatch job has run
#   source "$state/env.sh"                       # sets SLURM_CONF (start also prints that export line)
#   sbatch --array=0-3 --cpus-per-task=1 ...     # the tests
#   scripts/slurm-one-node.sh status "$state"    # sinfo, and which daemons are alive
#   scripts/slurm-one-node.sh stop "$state"      # stops exactly the daemons that start started
#
# Everything lives in STATE_DIR: slurm.conf, the munge key and socket, the daemons' state, pid files and logs
# (STATE_DIR/log/). Nothing in /etc is written, so a system-wide Slurm or munge (if any) is left alone.
# Only the `export SLURM_CONF=...` line goes to stdout (so `eval "$(... start DIR)"` works); progress and
# errors go to stderr. A failed start prints the daemons' log tails, stops what it started and exits 1.
#
# Knobs (environment): SLURM_ONE_NODE_TIMEOUT (seconds start may take, default 60),
# SLURM_ONE_NODE_CTLD_PORT (default 6817) and SLURM_ONE_NODE_SLURMD_PORT (default 6818).
set -euo pipefail

prog=$(basename "$0")
timeout_s=${SLURM_ONE_NODE_TIMEOUT:-60}
ctld_port=${SLURM_ONE_NODE_CTLD_PORT:-6817}
slurmd_port=${SLURM_ONE_NODE_SLURMD_PORT:-6818}
daemons=(munged slurmctld slurmd)

say() { echo "$prog: $*" >&2; }
die() {
  say "error: $*"
  exit 1
}

usage() {
  cat >&2 <<EOF
usage: $prog install
       $prog start STATE_DIR
       $prog stop STATE_DIR
       $prog status STATE_DIR
EOF
  exit 2
}

# The state directory as an absolute path (the daemons change directory), created when asked to.
state_dir() {
  local dir=$1 create=${2:-}
  [ -n "$dir" ] || usage
  if [ -n "$create" ]; then mkdir -p "$dir"; fi
  [ -d "$dir" ] || die "no such state directory: $dir"
  (cd "$dir" && pwd -P)
}

# The pid recorded in DIR/NAME.pid, printed only while that process is alive and still is NAME
# (so a stale file whose pid was reused by another process never gets that process killed).
live_pid() {
  local dir=$1 name=$2 pid comm
  [ -s "$dir/$name.pid" ] || return 1
  pid=$(tr -dc '0-9' <"$dir/$name.pid")
  [ -n "$pid" ] || return 1
  comm=$(cat "/proc/$pid/comm" 2>/dev/null) || return 1
  [ "$comm" = "$name" ] || return 1
  echo "$pid"
}

show_logs() {
  local dir=$1 f
  for f in "$dir"/log/munged.log "$dir"/log/slurmctld.log "$dir"/log/slurmd.log "$dir"/log/*.out; do
    [ -s "$f" ] || continue
    echo "----- last lines of $f -----" >&2
    tail -n 25 "$f" >&2
  done
}

cmd_install() {
  local missing=0 tool
  for tool in sbatch slurmctld slurmd munged; do
    command -v "$tool" >/dev/null 2>&1 || missing=1
  done
  if [ "$missing" = 0 ]; then
    say "slurm and munge are already installed"
    return 0
  fi
  [ "$(id -u)" = 0 ] || die "install needs root (apt-get)"
  apt-get update -qq
  # Without recommends: 9 packages instead of ~40 (the recommends are optional plugins and their -dev files).
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends slurm-wlm munge >/dev/null
  for tool in sbatch slurmctld slurmd munged; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool is still missing after apt-get install"
  done
  say "installed $(slurmd -V)"
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Waits up to $2 seconds for $1/$3.pid to name a live $3 process.
wait_for_pid() {
  local dir=$1 secs=$2 name=$3 i
  for ((i = 0; i < secs * 10; i++)); do
    if live_pid "$dir" "$name" >/dev/null; then return 0; fi
    sleep 0.1
  done
  return 1
}

write_conf() {
  local dir=$1 node=$2 cpus=$3 mem_mb=$4
  cat >"$dir/slurm.conf" <<EOF
# Written by $prog at $(date -u +%Y-%m-%dT%H:%M:%SZ); it is rewritten on every start.
ClusterName=onenode
MailProg=/bin/true
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munge.socket
StateSaveLocation=$dir/slurmctld-state
SlurmdSpoolDir=$dir/slurmd-spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
# No cgroups: plain process tracking, no CPU binding.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SwitchType=switch/none
# CPUs (not cores, not memory) are what a job consumes, so 1-CPU array tasks share the node.
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
# Schedule batch jobs at once (the default batch_sched_delay of 3 s adds up to 3 s to every job and start).
SchedulerParameters=batch_sched_delay=0
ReturnToService=2
# No accounting: sacct does not work here; scontrol show job keeps finished jobs for MinJobAge seconds.
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MinJobAge=300
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem_mb State=UNKNOWN
PartitionName=debug Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
}

# The EXIT trap of a start that has begun starting daemons: on failure, show why and stop them again.
start_failed() {
  local rc=$?
  [ "$rc" != 0 ] || return 0
  show_logs "$start_dir"
  say "start failed; stopping what it started (state and logs stay in $start_dir)"
  cmd_stop "$start_dir" || true
  exit "$rc"
}

cmd_start() {
  local dir node cpus mem_mb name pid port deadline started key sock out state jobid
  dir=$(state_dir "${1:-}" create)
  for name in sbatch sinfo scontrol slurmctld slurmd munged munge unmunge; do
    command -v "$name" >/dev/null 2>&1 || die "$name not found: run '$prog install' first"
  done
  [ "$(id -u)" = 0 ] || die "start needs root (the daemons run as root)"
  for name in "${daemons[@]}"; do
    if pid=$(live_pid "$dir" "$name"); then
      die "$name of an earlier start is still running (pid $pid): run '$prog stop $dir' first"
    fi
  done
  for port in "$ctld_port" "$slurmd_port"; do
    if port_in_use "$port"; then
      die "port $port on 127.0.0.1 is taken (another Slurm?); set SLURM_ONE_NODE_CTLD_PORT/SLURM_ONE_NODE_SLURMD_PORT"
    fi
  done
  deadline=$((SECONDS + timeout_s))
  started=$EPOCHREALTIME

  # A fresh cluster each time: forget the jobs, node state and logs of an earlier start (the munge key stays).
  rm -rf "$dir/slurmctld-state" "$dir/slurmd-spool" "$dir/log" "$dir/smoke.out"
  rm -f "$dir/slurmctld.pid" "$dir/slurmd.pid" "$dir/munged.pid" "$dir/munge/munge.socket"*
  mkdir -p "$dir/munge" "$dir/slurmctld-state" "$dir/slurmd-spool" "$dir/log"
  chmod 0755 "$dir/munge" # munged refuses a socket directory that others can write to

  # Anything that fails from here on stops what was started and shows the logs.
  start_dir=$dir
  trap start_failed EXIT

  # munge: a private key, socket and daemon, so nothing depends on (or disturbs) a system munged.
  key="$dir/munge/munge.key"
  sock="$dir/munge/munge.socket"
  if [ ! -s "$key" ]; then
    (
      umask 077
      if command -v mungekey >/dev/null 2>&1; then
        mungekey --create --keyfile="$key" --force
      else
        dd if=/dev/urandom of="$key" bs=1024 count=1 status=none
      fi
    )
  fi
  chown root:root "$key"
  chmod 0600 "$key"
  # --force: munged otherwise refuses some directory layouts (e.g. a state dir under a group-writable path).
  munged --force --socket="$sock" --key-file="$key" --pid-file="$dir/munged.pid" \
    --log-file="$dir/log/munged.log" --seed-file="$dir/munge/munged.seed" \
    </dev/null >"$dir/log/munged.out" 2>&1 || die "munged did not start"
  wait_for_pid "$dir" 10 munged || die "munged did not write $dir/munged.pid"
  munge -n --socket="$sock" | unmunge --socket="$sock" >/dev/null || die "munge round trip through $sock failed"

  # The node is named as slurmd names this host (slurmd -N makes that certain even for odd host names).
  node=$(slurmd -C 2>/dev/null | sed -n 's/^NodeName=\([^ ]*\).*/\1/p')
  [ -n "$node" ] || node=$(hostname -s)
  cpus=$(nproc)
  # RealMemory a little below what the machine has, so slurmd never finds less than configured.
  mem_mb=$(awk '/^MemTotal:/ { printf "%d", $2 / 1024 * 0.9 }' /proc/meminfo)
  write_conf "$dir" "$node" "$cpus" "$mem_mb"
  printf 'export SLURM_CONF=%q\n' "$dir/slurm.conf" >"$dir/env.sh"
  export SLURM_CONF="$dir/slurm.conf"

  # The daemons get no stdin/stdout of ours, so a caller reading start's output through a pipe is not held up.
  slurmctld -f "$SLURM_CONF" </dev/null >"$dir/log/slurmctld.out" 2>&1 || die "slurmctld did not start"
  wait_for_pid "$dir" 10 slurmctld || die "slurmctld did not write $dir/slurmctld.pid"
  slurmd -f "$SLURM_CONF" -N "$node" </dev/null >"$dir/log/slurmd.out" 2>&1 || die "slurmd did not start"
  wait_for_pid "$dir" 10 slurmd || die "slurmd did not write $dir/slurmd.pid"

  # Ready means: the controller answers, the node is idle, and a batch job runs to completion.
  say "waiting for node $node (${cpus} CPUs, ${mem_mb} MB) to become idle"
  while :; do
    for name in "${daemons[@]}"; do
      live_pid "$dir" "$name" >/dev/null || die "$name exited during start"
    done
    if scontrol ping 2>/dev/null | grep -q ' is UP'; then
      state=$(sinfo -h -n "$node" -o %T 2>/dev/null || true)
      if [ "$state" = idle ]; then break; fi
    fi
    ((SECONDS < deadline)) || die "node $node not idle after ${timeout_s}s (sinfo says: ${state:-nothing})"
    sleep 0.5
  done
  # (Polled here rather than with sbatch --wait, whose back-off polling adds several seconds.)
  out="$dir/smoke.out"
  jobid=$(sbatch --parsable --job-name=smoke --output="$out" --wrap 'echo ok') ||
    die "sbatch of the smoke-test job failed"
  while :; do
    state=$(scontrol show job -o "$jobid" 2>/dev/null | sed -n 's/.* JobState=\([A-Z_]*\).*/\1/p')
    case "$state" in
      COMPLETED) break ;;
      PENDING | CONFIGURING | RUNNING | COMPLETING | "") ;;
      *) die "the smoke-test job $jobid ended $state" ;;
    esac
    ((SECONDS < deadline)) || die "the smoke-test job $jobid not done after ${timeout_s}s (state: ${state:-unknown})"
    sleep 0.2
  done
  [ "$(cat "$out" 2>/dev/null)" = ok ] || die "the smoke-test job ran but wrote '$(cat "$out" 2>/dev/null)', not 'ok'"

  trap - EXIT
  say "cluster up: $(sinfo -h -o '%P %D node(s) %C (A/I/O/T CPUs) %T') after $(awk -v a="$started" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')s; pids" \
    "munged=$(live_pid "$dir" munged) slurmctld=$(live_pid "$dir" slurmctld) slurmd=$(live_pid "$dir" slurmd)"
  cat "$dir/env.sh"
}

# Sends SIGTERM to the named daemons recorded in DIR, waits up to 15 s for them to exit, then SIGKILLs the rest.
# What is still alive after that is appended to still_running.
terminate() {
  local dir=$1 name pid i alive
  shift
  local -A pids=()
  for name in "$@"; do
    if pid=$(live_pid "$dir" "$name"); then
      pids[$name]=$pid
      kill -TERM "$pid" 2>/dev/null || true
    fi
  done
  for ((i = 0; i < 150; i++)); do
    alive=0
    for name in "${!pids[@]}"; do
      if [ -d "/proc/${pids[$name]}" ]; then alive=1; fi
    done
    if [ "$alive" = 0 ]; then break; fi
    sleep 0.1
  done
  for name in "${!pids[@]}"; do
    pid=${pids[$name]}
    if [ -d "/proc/$pid" ]; then
      say "$name (pid $pid) ignored SIGTERM for 15s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.2
    fi
    if [ -d "/proc/$pid" ]; then
      still_running+=("$name:$pid")
    else
      say "stopped $name (pid $pid)"
      rm -f "$dir/$name.pid"
    fi
  done
}

cmd_stop() {
  local dir i jobs
  still_running=()
  dir=$(state_dir "${1:-}")
  # Jobs still running would leave slurmstepd processes behind: cancel them while the controller is up.
  if live_pid "$dir" slurmctld >/dev/null && [ -f "$dir/slurm.conf" ] && command -v scancel >/dev/null; then
    jobs=$({ SLURM_CONF="$dir/slurm.conf" squeue -h -o %F 2>/dev/null || true; } | sort -u | tr '\n' ' ')
    if [ -n "${jobs// /}" ]; then
      say "cancelling the jobs still queued or running: $jobs"
      # shellcheck disable=SC2086 # one word per job id
      SLURM_CONF="$dir/slurm.conf" scancel --full $jobs 2>/dev/null || true
      for ((i = 0; i < 100; i++)); do
        if [ -z "$(SLURM_CONF="$dir/slurm.conf" squeue -h -o %i 2>/dev/null)" ]; then break; fi
        sleep 0.1
      done
    fi
  fi
  # Each daemon takes about 2 s to exit after SIGTERM, so the two Slurm daemons go together; munged last,
  # since Slurm needs it until then.
  terminate "$dir" slurmd slurmctld
  terminate "$dir" munged
  [ ${#still_running[@]} = 0 ] || die "still running: ${still_running[*]}"
}

cmd_status() {
  local dir name pid
  dir=$(state_dir "${1:-}")
  for name in munged slurmctld slurmd; do
    if pid=$(live_pid "$dir" "$name"); then echo "$name: running (pid $pid)"; else echo "$name: not running"; fi
  done
  [ -f "$dir/slurm.conf" ] || die "no $dir/slurm.conf: start was never run with this directory"
  # (With no controller, sinfo would retry for about 10 s before it fails.)
  live_pid "$dir" slurmctld >/dev/null || die "the cluster of $dir is not running"
  SLURM_CONF="$dir/slurm.conf" sinfo
}

case "${1:-}" in
  install) cmd_install ;;
  start) cmd_start "${2:-}" ;;
  stop) cmd_stop "${2:-}" ;;
  status) cmd_status "${2:-}" ;;
  *) usage ;;
esac
