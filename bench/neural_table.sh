#!/usr/bin/env bash
# Neural lower bounds (MINE, NWJ, InfoNCE) and KSG on 2+2 correlated Gaussians of known MI, n = 10^4:
# the table of README "Neural baselines". Usage: bench/neural_table.sh [STEPS] (default 1000; INFOPLANE_BIN to choose
# the binary). Prints one row per true MI with every estimator's value and its wall time.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${INFOPLANE_BIN:-.build/release/infoplane}
steps=${1:-1000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores; $steps critic steps; seed 0"
printf '%-6s' "MI"
for e in ksg mine nwj infonce; do printf '%-18s' "$e"; done
echo
for mi in 0.5 1 2 4 8; do
  python3 - "$work" "$mi" <<'PY'
import sys, numpy as np
work, mi = sys.argv[1], float(sys.argv[2])
rho = np.sqrt(1 - np.exp(-mi))              # two coordinate pairs of -½·log(1-ρ²) each: I = -log(1-ρ²)
r = np.random.default_rng(1)
x = r.normal(size=(10000, 2)); y = rho * x + np.sqrt(1 - rho**2) * r.normal(size=(10000, 2))
np.save(f"{work}/x.npy", x); np.save(f"{work}/y.npy", y)
PY
  printf '%-6s' "$mi"
  for e in ksg mine nwj infonce; do
    extra=()
    [ "$e" = ksg ] || extra=(--neural-steps "$steps")
    start=$(date +%s.%N)
    value=$("$bin" estimate "$work/x.npy" "$work/y.npy" --estimator "$e" "${extra[@]}" --json --quiet 2>/dev/null |
      python3 -c 'import json,sys; r=json.load(sys.stdin); print("%.3f%s" % (r["mi"], "*" if r["flags"] else ""))')
    printf '%-18s' "$value ($(python3 -c "print(round($(date +%s.%N) - $start))") s)"
  done
  echo
done
echo "* flagged (InfoNCE: at its ceiling log 64 = 4.16 nats)"
