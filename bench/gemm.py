#!/usr/bin/env python3
"""numpy float32 matmul GFLOP/s on the SGEMM benchmark shapes (the reference for Benchmarks/ gemm-bench).

Usage: python3 bench/gemm.py --threads N [--shapes MxNxK,...]
Prints one JSON object {"MxNxK": gflops, ...}. The thread count goes to OpenBLAS through OPENBLAS_NUM_THREADS
(and OMP_NUM_THREADS), set before numpy is imported. Timing: one warm-up call, then the median of at least 7
repeats and at least 0.3 s, as in gemm-bench.
"""
import argparse
import json
import os
import sys

SHAPES = "256x256x256,512x512x512,1024x1024x1024,64x12544x576,32x50176x25"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--shapes", default=SHAPES, help="comma-separated MxNxK")
    parser.add_argument("--cpu-time", action="store_true", help="time by process CPU time (1 thread only)")
    args = parser.parse_args()
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(args.threads)
    import time

    import numpy as np

    clock = time.process_time if args.cpu_time else time.perf_counter
    rng = np.random.default_rng(0)
    results = {}
    for shape in args.shapes.split(","):
        m, n, k = (int(x) for x in shape.split("x"))
        a = rng.uniform(-1, 1, (m, k)).astype(np.float32)
        b = rng.uniform(-1, 1, (k, n)).astype(np.float32)
        c = np.empty((m, n), dtype=np.float32)
        np.matmul(a, b, out=c)
        times = []
        start = clock()
        while len(times) < 7 or clock() - start < 0.3:
            t0 = clock()
            np.matmul(a, b, out=c)
            times.append(clock() - t0)
        times.sort()
        median = times[len(times) // 2]
        results[shape] = 2.0 * m * n * k / median / 1e9
    json.dump(results, sys.stdout)
    print()


if __name__ == "__main__":
    main()
