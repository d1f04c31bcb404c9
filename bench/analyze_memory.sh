#!/usr/bin/env bash
# Peak memory of `infoplane analyze` on layer files larger than a gigabyte, against the largest file's size.
#
#   bench/analyze_memory.sh [BINARY] [ROWS] [FEATURES]     (default .build/release/infoplane 10000 65536)
#
# Writes DIR/inputs.npy (ROWS × 64), DIR/labels.npy (10 classes), and one epoch with two layers: a ROWS × FEATURES
# float32 file (10 000 × 65 536: 2.6 GB) and a small one, whose leading directions carry the labels; then runs
# analyze under /usr/bin/time -v and prints the peak resident set size as a multiple of the largest file.
# Needs numpy and about 3 GB free in $TMPDIR (default /tmp).
set -euo pipefail
binary=${1:-.build/release/infoplane}
rows=${2:-10000}
features=${3:-65536}
dir=$(mktemp -d "${TMPDIR:-/tmp}/analyze-memory.XXXXXX")
trap 'rm -rf "$dir"' EXIT
python3 - "$dir" "$rows" "$features" <<'PY'
import sys, os
import numpy as np
d, n, D = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = np.random.default_rng(0)
labels = rng.integers(0, 10, n)
latent = rng.normal(size=(n, 8)).astype(np.float32) + labels[:, None].astype(np.float32)
np.save(os.path.join(d, "inputs.npy"), np.concatenate([latent, rng.normal(size=(n, 56)).astype(np.float32)], 1))
np.save(os.path.join(d, "labels.npy"), labels.astype(np.int64))
os.makedirs(os.path.join(d, "epoch-0001"))
basis = rng.normal(size=(8, D)).astype(np.float32)
# Write the big layer in row blocks so this script itself never holds it twice.
path = os.path.join(d, "epoch-0001", "big.npy")
out = np.lib.format.open_memmap(path, mode="w+", dtype=np.float32, shape=(n, D))
for start in range(0, n, 1000):
    stop = min(n, start + 1000)
    out[start:stop] = latent[start:stop] @ basis + 0.1 * rng.normal(size=(stop - start, D)).astype(np.float32)
out.flush()
del out
np.save(os.path.join(d, "epoch-0001", "small.npy"), latent @ basis[:, :32])
PY
largest=$(stat -c %s "$dir/epoch-0001/big.npy")
/usr/bin/time -v "$binary" analyze "$dir" --out "$dir/out" --quiet 2> "$dir/time.txt" > /dev/null
peak_kb=$(grep "Maximum resident set size" "$dir/time.txt" | awk '{print $NF}')
wall=$(grep "Elapsed (wall clock)" "$dir/time.txt" | awk '{print $NF}')
cat "$dir/out/mi.csv"
awk -v p="$peak_kb" -v f="$largest" -v w="$wall" 'BEGIN {
  printf "largest layer file %.2f GB, peak RSS %.2f GB = %.2f× the largest file, wall %s\n", f / 1e9, p * 1024 / 1e9, p * 1024 / f, w }'
