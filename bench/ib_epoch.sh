#!/usr/bin/env bash
# Side-by-side timing of one information-plane epoch on Fashion-MNIST with 10 000 evaluation samples:
# ours (`infoplane ib`, release: train + metrics + activations + 12 MI estimates + checkpoint + report) against the
# reference way (bench/reference_epoch.py: PyTorch + scikit-learn PCA + the paper's numpy/BallTree WKL).
# X is compressed by PCA in both, outside the timed epoch. Usage: bench/ib_epoch.sh [DATA_DIR] [THREADS]
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-/usr/share/datasets/fashion-mnist}
threads=${2:-2}
swift build -c release --product infoplane >/dev/null
out=$(mktemp -d)
.build/release/infoplane ib --dataset fashion-mnist --data-dir "$data" --epochs 2 --x-compressor pca \
  --eval-samples 10000 --out "$out/run" --quiet >/dev/null
ours=$(python3 -c "import csv,sys; r=list(csv.DictReader(open('$out/run/metrics.csv'))); print(min(float(x['seconds']) for x in r))")
ref=$(python3 bench/reference_epoch.py --data-dir "$data" --threads "$threads" --eval 10000)
python3 - "$ours" "$ref" "$(uptime)" <<'PY'
import json, sys
ours = float(sys.argv[1]); ref = json.loads(sys.argv[2]); s = ref["seconds"]
print(f"| epoch part | reference (PyTorch + sklearn + numpy WKL) | ours |")
print(f"|---|---:|---:|")
print(f"| train one epoch (60k images) | {s['train_epoch']:.1f} s | |")
print(f"| metrics + activations | {s['metrics_and_activations']:.1f} s | |")
print(f"| 12 MI estimates (PCA + WKL) | {s['mi_12_estimates']:.1f} s | |")
print(f"| **full epoch** | **{s['epoch_total']:.1f} s** | **{ours:.1f} s** (best of 2 epochs) |")
print(f"\nspeed-up {s['epoch_total'] / ours:.2f}×; load: {sys.argv[3].strip()}")
PY
rm -rf "$out"
