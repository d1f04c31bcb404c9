#!/usr/bin/env bash
# SGEMM side by side: InfoPlane's sgemm vs numpy matmul (OpenBLAS), 1 and 2 threads, one markdown table.
# Usage: bench/gemm.sh [--fifo] [gemm-bench options, e.g. --rounds 7 --shapes 512x512x512 --threads 1,2]
#   --fifo  run the benchmark (not the build) under `chrt -f 10` (SCHED_FIFO, needs root) so that concurrent jobs on
#           a shared machine cannot take its cores; both ours and the numpy subprocess inherit the policy.
set -euo pipefail
cd "$(dirname "$0")/../Benchmarks"
runner=()
if [ "${1:-}" = "--fifo" ]; then
  runner=(chrt -f 10)
  shift
fi
swift build -c release --product gemm-bench >&2
echo "uptime: $(uptime)"
"${runner[@]}" .build/release/gemm-bench "$@"
