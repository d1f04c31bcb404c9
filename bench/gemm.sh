#!/usr/bin/env bash
# SGEMM side by side: InfoPlane's sgemm vs numpy matmul (OpenBLAS), 1 and 2 threads, one markdown table.
# Usage: bench/gemm.sh [gemm-bench options, e.g. --shapes 512x512x512 --threads 1,2 --transpose NT]
set -euo pipefail
cd "$(dirname "$0")/../Benchmarks"
swift build -c release --product gemm-bench >&2
echo "uptime: $(uptime)"
.build/release/gemm-bench "$@"
