#!/usr/bin/env python3
"""What the Python package adds to a call of the CLI: infoplane.estimate vs. the bare process.

Times `infoplane estimate X.npy Y.npy --json --quiet` on a Gaussian pair (n = 10^4, 4 + 4 dims, KSG),
process to process:

  raw     subprocess.run of the CLI on .npy files saved beforehand (output captured);
  python  infoplane.estimate(x, y) from arrays in memory: temporary folder, two np.save calls, the same
          process, JSON parsing and the Estimate object.

The two are interleaved (raw, python, raw, ...) after warm-up runs, so drift in the machine's load hits
both alike; the medians and their difference (the overhead) are printed with the load average. On a busy
machine the process times scatter by more than the overhead, so the script also prints the median of the
run-by-run differences and times the Python side alone (what estimate() does besides running the process).
Target: overhead <= 50 ms, judged by the median of the run-by-run differences (steadier than the
difference of the medians under load). With --check the exit status is 1 when the target is missed.

Usage: python3 bench/python_overhead.py [--runs 15] [--n 10000] [--dims 4] [--binary PATH] [--check]
The package is imported from the environment if installed, else from python/src of this repository; the
CLI is the one infoplane.binary_path() finds (INFOPLANE_BINARY, bundled, PATH), else .build/release's.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent

try:
    import infoplane
except ImportError:
    sys.path.insert(0, str(REPO / "python" / "src"))
    import infoplane
from infoplane._arrays import save_for_cli
from infoplane._estimate import Estimate


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="timed runs of each (default 15)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed runs of each first (default 2)")
    parser.add_argument("--n", type=int, default=10_000, help="samples (default 10000)")
    parser.add_argument("--dims", type=int, default=4, help="dimensions of X and of Y (default 4)")
    parser.add_argument("--binary", help="the infoplane CLI (default: as infoplane.binary_path())")
    parser.add_argument("--target-ms", type=float, default=50.0, help="overhead target in ms (default 50)")
    parser.add_argument("--check", action="store_true", help="exit 1 when the overhead exceeds the target")
    options = parser.parse_args()

    if options.binary:
        os.environ["INFOPLANE_BINARY"] = options.binary
    try:
        binary = infoplane.binary_path()
    except infoplane.InfoPlaneError:
        os.environ["INFOPLANE_BINARY"] = str(REPO / ".build" / "release" / "infoplane")
        binary = infoplane.binary_path()

    rng = np.random.default_rng(0)
    x = rng.standard_normal((options.n, options.dims))
    y = x + rng.standard_normal((options.n, options.dims))

    with tempfile.TemporaryDirectory(prefix="infoplane-bench-") as folder:
        np.save(Path(folder) / "x.npy", x)
        np.save(Path(folder) / "y.npy", y)
        command = [binary, "estimate", f"{folder}/x.npy", f"{folder}/y.npy", "-k", "5", "--seed", "0", "--json", "--quiet"]

        def raw() -> float:
            start = time.perf_counter()
            subprocess.run(command, capture_output=True, check=True)
            return time.perf_counter() - start

        def python() -> float:
            start = time.perf_counter()
            infoplane.estimate(x, y)
            return time.perf_counter() - start

        def python_side() -> float:
            """The Python work of estimate() alone, without the process: folder, saves, JSON, Estimate."""
            output = subprocess.run(command, capture_output=True, check=True).stdout
            start = time.perf_counter()
            with tempfile.TemporaryDirectory(prefix="infoplane-") as scratch:
                save_for_cli(x, Path(scratch) / "x.npy", "x")
                save_for_cli(y, Path(scratch) / "y.npy", "y")
            Estimate.from_json(json.loads(output))
            return time.perf_counter() - start

        for _ in range(options.warmup):
            raw()
            python()
        raw_times, python_times = [], []
        for run in range(options.runs):  # alternate which goes first, so neither always follows the other
            if run % 2:
                python_times.append(python())
                raw_times.append(raw())
            else:
                raw_times.append(raw())
                python_times.append(python())
        side_times = [python_side() for _ in range(options.runs)]

    raw_ms = 1000 * statistics.median(raw_times)
    python_ms = 1000 * statistics.median(python_times)
    overhead = python_ms - raw_ms
    paired_ms = 1000 * statistics.median(p - r for p, r in zip(python_times, raw_times))
    side_ms = 1000 * statistics.median(side_times)
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"binary        {binary} ({infoplane.version()})")
    print(f"data          n = {options.n}, {options.dims} + {options.dims} dims, ksg, {options.runs} runs each")
    print(f"raw CLI       median {raw_ms:8.1f} ms   (min {1000 * min(raw_times):.1f}, max {1000 * max(raw_times):.1f})")
    print(f"estimate()    median {python_ms:8.1f} ms   (min {1000 * min(python_times):.1f}, max {1000 * max(python_times):.1f})")
    print(f"overhead      {overhead:+8.1f} ms   (difference of the medians)")
    print(f"              {paired_ms:+8.1f} ms   (median of the run-by-run differences; target <= {options.target_ms:.0f} ms: "
          f"{'met' if paired_ms <= options.target_ms else 'MISSED'})")
    print(f"Python side   median {side_ms:8.1f} ms   (temporary folder, two np.save, JSON, Estimate; no process)")
    print(f"load average  {load} (1, 5, 15 min) on {os.cpu_count()} cores")
    return 1 if options.check and paired_ms > options.target_ms else 0


if __name__ == "__main__":
    sys.exit(main())
