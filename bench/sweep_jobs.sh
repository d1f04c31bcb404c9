#!/usr/bin/env bash
# A 5-seed local sweep of README's main job (`infoplane ib`, shapes, 30 epochs) with --jobs 1 (one point at a time,
# all cores) and --jobs 2 (two points at once, one thread each), one after the other on an otherwise idle machine;
# prints both wall times, checks that running the finished sweep again recomputes nothing, and compares the numbers
# of the two sweeps. Usage: [INFOPLANE_BIN=PATH] bench/sweep_jobs.sh [OUT_DIR] [SEEDS] (defaults
# /tmp/infoplane-sweep-bench, 0..4).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-/tmp/infoplane-sweep-bench}
seeds=${2:-0..4}
# INFOPLANE_BIN: a binary already built (e.g. by the tests' release build), to skip building here.
bin=${INFOPLANE_BIN:-}
if [ -z "$bin" ]; then
  swift build -c release --product infoplane >/dev/null
  bin=.build/release/infoplane
fi
rm -rf "$out" && mkdir -p "$out"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load $(cut -d' ' -f1-3 /proc/loadavg)"
for jobs in 1 2; do
  start=$(date +%s.%N)
  "$bin" sweep --out "$out/jobs$jobs" --jobs "$jobs" --seed "$seeds" --quiet >/dev/null
  end=$(date +%s.%N)
  printf 'sweep --jobs %d: %.1f s wall\n' "$jobs" "$(awk -v a="$start" -v b="$end" 'BEGIN{print b-a}')"
done
# A finished sweep run again starts no point and leaves every file as it was.
before=$(find "$out/jobs2/runs" -name '*.csv' -printf '%p %T@\n' | sort | md5sum)
start=$(date +%s.%N)
"$bin" sweep --out "$out/jobs2" --jobs 2 --seed "$seeds" --quiet >/dev/null
end=$(date +%s.%N)
after=$(find "$out/jobs2/runs" -name '*.csv' -printf '%p %T@\n' | sort | md5sum)
printf 'the finished sweep again: %.2f s, tables %s\n' "$(awk -v a="$start" -v b="$end" 'BEGIN{print b-a}')" \
  "$([ "$before" = "$after" ] && echo untouched || echo CHANGED)"
# The numbers of the two sweeps (one point's threads differ: all cores vs one).
same=0
total=0
for run in "$out"/jobs1/runs/*/; do
  name=$(basename "$run")
  total=$((total + 1))
  if cmp -s "$run/mi.csv" "$out/jobs2/runs/$name/mi.csv"; then same=$((same + 1)); fi
done
echo "mi.csv identical between --jobs 1 and --jobs 2 for $same of $total points"
