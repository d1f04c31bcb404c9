#!/usr/bin/env bash
# The paper's MNIST-setting information-plane experiment (Butakov et al. 2024; `infoplane ib --preset paper-mnist`:
# mnist-cnn, Adam lr 1e-5, batch 1024, relative noise σ = 1e-3, the first 10 000 test images, X to 4 dimensions by an
# input autoencoder trained 200 epochs at lr 1e-2, each layer by PCA to 4, 300 epochs with the information plane after
# each) on Fashion-MNIST, ours against "the reference way": a few epochs of each stage, the measured seconds per epoch,
# and the projected wall time of the full run (200 × autoencoder epoch + 300 × information-plane epoch) of both.
# With --full, ours also runs the whole experiment for real and its measured wall time is printed next to the
# projection (about half an hour or more on two cores).
#
# Usage: bench/paper_experiment.sh [--data-dir DIR] [--threads 2] [--epochs 3] [--ae-epochs 3] [--ref-runs 1]
#                                  [--ae-schedule paper|short] [--full] [--full-out DIR]
#   --data-dir   Fashion-MNIST IDX files, plain or .gz (default /usr/share/datasets/fashion-mnist)
#   --threads    threads of both sides: ours' --threads, torch.set_num_threads, OMP/OpenBLAS/MKL threads (default 2)
#   --epochs     information-plane epochs of ours run and measured (default 3; the reference: --ref-runs)
#   --ae-epochs  autoencoder epochs measured on each side (default 3)
#   --ref-runs   runs of bench/reference_epoch.py (one epoch each; default 1); the median is used
#   --ae-schedule  ours' input-autoencoder schedule: paper (200 epochs, batch 512, Adam 1e-2 constant; the default)
#                or short (SHORT_AE_EPOCHS = 40 epochs, batch 128, Adam 1e-2 cosine to 1e-4, which reaches the
#                paper recipe's held-out reconstruction error: docs/performance.md); the reference always runs the paper's
#   --full       also run ours' full experiment (the schedule's autoencoder epochs + 300 epochs) and time it
#   --full-out   keep the full run's directory here (default: a temporary directory, removed at the end)
# The binary is $INFOPLANE_BIN or .build/release/infoplane (never built here).
#
# How each number is measured:
#   ours, autoencoder s/epoch: one `infoplane ib --preset paper-mnist --dataset fashion-mnist --epochs E
#     --ae-epochs A --timings` run. Its stderr stage line "compressed X with ae to 4 dims, … (S s)" is the wall time
#     of the whole input-autoencoder stage: training A epochs on the 60 000 training images, then encoding the 10 000
#     evaluation images and computing their reconstruction error once. S / A is the figure (S / (A × attempts) if
#     the code collapsed and the autoencoder was retrained). It therefore includes the first epoch's warm-up and the
#     one-off encoding pass, so it slightly overstates ours' steady per-epoch time (conservative for ours). The
#     per-epoch progress lines cannot be used: ours prints them at most every 30 s.
#   ours, information-plane s/epoch: the same run; per epoch, metrics.csv `seconds` (training, metrics, activations,
#     PCA, 12 MI estimates) plus the `writing` stage of the --timings line (checkpoint, tables, report, which
#     metrics.csv's `seconds` leaves out) — the epoch's full wall time. Median over epochs 2…E (epoch 1, which holds
#     the warm-up, is excluded when E ≥ 2).
#   reference, autoencoder s/epoch: bench/torch_autoencoder_epoch.py, the same autoencoder in PyTorch (same layers,
#     L1 loss, Adam lr 1e-2, batch 512, 60 000 images): one untimed warm-up epoch, then the median of A timed epochs.
#   reference, information-plane s/epoch: bench/reference_epoch.py --eval 10000 (PyTorch classifier, scikit-learn
#     PCA, the paper's numpy/BallTree WKL): training one epoch + metrics and activations + 12 MI estimates, in a fresh
#     process each run (so PyTorch's first-epoch warm-up is inside it; it trains at lr 1e-3, timing-neutral).
#   Projections: 200 × autoencoder s/epoch + 300 × information-plane s/epoch. Data loading and process start-up are
#     not in them (a few seconds); the --full measurement is the wall time from process start to exit.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
data=/usr/share/datasets/fashion-mnist
threads=2
epochs=3
ae_epochs=3
ref_runs=1
full=0
full_out=""
schedule=paper
SHORT_AE_EPOCHS=40

usage() { sed -n '10,22p' "$0" | sed 's/^# \{0,1\}//'; }
die() { echo "paper_experiment.sh: $1" >&2; exit "${2:-2}"; }
need_value() { [[ $# -ge 2 && -n $2 ]] || die "$1 needs a value (see --help)"; }

while [[ $# -gt 0 ]]; do
  case $1 in
    --data-dir) need_value "$@"; data=$2; shift 2 ;;
    --threads) need_value "$@"; threads=$2; shift 2 ;;
    --epochs) need_value "$@"; epochs=$2; shift 2 ;;
    --ae-epochs) need_value "$@"; ae_epochs=$2; shift 2 ;;
    --ref-runs) need_value "$@"; ref_runs=$2; shift 2 ;;
    --ae-schedule) need_value "$@"; schedule=$2; shift 2 ;;
    --full) full=1; shift ;;
    --full-out) need_value "$@"; full_out=$2; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
done
for pair in "--threads:$threads" "--epochs:$epochs" "--ae-epochs:$ae_epochs" "--ref-runs:$ref_runs"; do
  [[ ${pair#*:} =~ ^[1-9][0-9]*$ ]] || die "${pair%%:*} must be a positive integer (got '${pair#*:}')"
done

case $schedule in
  paper) ae_full=200; ae_flags=() ;;
  short) ae_full=$SHORT_AE_EPOCHS; ae_flags=(--ae-batch-size 128 --ae-lr 1e-2 --ae-final-lr 1e-4) ;;
  *) die "--ae-schedule must be paper or short (got '$schedule')" ;;
esac

bin=${INFOPLANE_BIN:-$root/.build/release/infoplane}
[[ -x $bin ]] || die "no infoplane binary at $bin; build it with: swift build -c release --product infoplane (or set INFOPLANE_BIN)"

[[ -d $data ]] || die "Fashion-MNIST data directory $data does not exist; install the IDX files there or pass --data-dir DIR"
missing=()
for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
  [[ -f $data/$f || -f $data/$f.gz ]] || missing+=("$f")
done
[[ ${#missing[@]} -eq 0 ]] || die "$data lacks the Fashion-MNIST IDX file(s) ${missing[*]} (plain or .gz)"

command -v python3 >/dev/null || die "python3 not found; the reference side needs Python 3 with torch, scikit-learn, scipy"
python3 -c 'import torch' 2>/dev/null || die "PyTorch not found for $(command -v python3); install it: pip install torch (CPU build)"
python3 -c 'import sklearn, scipy' 2>/dev/null ||
  die "scikit-learn / scipy not found for $(command -v python3) (bench/reference_epoch.py needs them): pip install scikit-learn scipy"
if [[ -n $full_out && -e $full_out/config.json ]]; then die "--full-out $full_out already holds a run; choose a new directory"; fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The reference's numpy / scikit-learn / PyTorch intra-op pools get the same thread count as ours.
export OMP_NUM_THREADS=$threads OPENBLAS_NUM_THREADS=$threads MKL_NUM_THREADS=$threads
log() { echo "[paper_experiment $(date +%H:%M:%S)] $*" >&2; }
fail() { # a failed step: its stderr's tail, then exit 1
  echo "paper_experiment.sh: $1 failed; its last output:" >&2
  tail -n 20 "$2" >&2
  exit 1
}

load_before=$(uptime)
cpu=$(grep -m1 '^model name' /proc/cpuinfo 2>/dev/null | sed 's/^[^:]*: *//' || true)
[[ -n $cpu ]] || cpu=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n1 || true)
cores=$(nproc)

log "ours: infoplane ib --preset paper-mnist ${ae_flags[*]}, $ae_epochs autoencoder epochs + $epochs epochs, $threads threads"
"$bin" ib --preset paper-mnist --dataset fashion-mnist --data-dir "$data" --epochs "$epochs" "${ae_flags[@]}" \
  --ae-epochs "$ae_epochs" --threads "$threads" --timings --out "$tmp/ours" >"$tmp/ours.out" 2>"$tmp/ours.err" ||
  fail "infoplane ib" "$tmp/ours.err"

log "reference: PyTorch autoencoder, 1 warm-up + $ae_epochs timed epochs"
python3 "$root/bench/torch_autoencoder_epoch.py" --data-dir "$data" --threads "$threads" --epochs "$ae_epochs" \
  --lr 1e-2 --batch 512 --eval 10000 >"$tmp/ref_ae.json" 2>"$tmp/ref_ae.err" ||
  fail "bench/torch_autoencoder_epoch.py" "$tmp/ref_ae.err"

for ((i = 1; i <= ref_runs; i++)); do
  log "reference: one information-plane epoch (bench/reference_epoch.py --eval 10000), run $i/$ref_runs"
  python3 "$root/bench/reference_epoch.py" --data-dir "$data" --threads "$threads" --eval 10000 \
    >"$tmp/ref_epoch_$i.json" 2>"$tmp/ref_epoch_$i.err" || fail "bench/reference_epoch.py" "$tmp/ref_epoch_$i.err"
done
load_after=$(uptime)

# Parsing and reporting. Mode "short": the side-by-side table (and the projection of ours, saved for --full);
# mode "full": the full run against that projection.
report() {
  python3 - "$@" <<'PY'
import csv, json, os, re, statistics, sys

mode, tmp, schedule = sys.argv[1], sys.argv[2], sys.argv[3]
AE_REF, IB_FULL = 200, 300
AE_FULL = AE_REF if schedule == "paper" else int(schedule.split(":")[1])
SCHEDULE = ("the paper's (batch 512, Adam lr 1e-2)" if schedule == "paper"
            else "short (batch 128, Adam 1e-2 cosine to 1e-4)")


def ours_run(err_path, run_dir):
    """(autoencoder stage seconds, autoencoder trainings, loading seconds, [(epoch, full epoch seconds)], stages)."""
    text = open(err_path).read().splitlines()
    ae = load = None
    attempts = 1
    writing, stages = {}, {}
    for line in text:
        m = re.match(r"^compressed X with ae to \d+ dims(.*) \(([0-9.]+) s\)$", line)
        if m:
            ae = float(m.group(2))
            attempts = 1 + len(re.findall(r"attempt \d+:", m.group(1)))
        m = re.match(r"^loaded .* \(([0-9.]+) s\)$", line)
        if m:
            load = float(m.group(1))
        m = re.match(r"^\s*epoch (\d+) stages: training ([0-9.]+) s, metrics ([0-9.]+) s, layers \+ PCA ([0-9.]+) s, "
                     r"MI ([0-9.]+) s, writing ([0-9.]+) s", line)
        if m:
            e = int(m.group(1))
            stages[e] = [float(v) for v in m.groups()[1:]]
            writing[e] = stages[e][4]
    if ae is None:
        sys.exit(f"paper_experiment.sh: no autoencoder stage line in {err_path}")
    rows = list(csv.DictReader(open(os.path.join(run_dir, "metrics.csv"))))
    if not rows or len(writing) != len(rows):
        sys.exit(f"paper_experiment.sh: {len(rows)} metrics.csv rows but {len(writing)} --timings lines in {err_path}")
    epochs = [(int(r["epoch"]), float(r["seconds"]) + writing[int(r["epoch"])]) for r in rows]
    return ae, attempts, load, epochs, stages


def minutes(s):
    return f"{s / 60:.1f} min"


if mode == "short":
    ae_epochs = int(sys.argv[4])
    load_before, load_after, cores, cpu, threads = sys.argv[5:10]
    ae_stage, attempts, load, epochs, stages = ours_run(os.path.join(tmp, "ours.err"), os.path.join(tmp, "ours"))
    ours_ae = ae_stage / (ae_epochs * attempts)
    measured = epochs[1:] if len(epochs) > 1 else epochs
    ours_ib = statistics.median(s for _, s in measured)
    ref_ae_json = json.load(open(os.path.join(tmp, "ref_ae.json")))
    ref_ae = ref_ae_json["seconds_per_epoch"]
    runs = sorted(f for f in os.listdir(tmp) if f.startswith("ref_epoch_") and f.endswith(".json"))
    ref_runs = [json.load(open(os.path.join(tmp, f)))["seconds"] for f in runs]
    ref_ib = statistics.median(r["epoch_total"] for r in ref_runs)
    ref_part = {k: statistics.median(r[k] for r in ref_runs) for k in ("train_epoch", "metrics_and_activations",
                                                                      "mi_12_estimates")}
    ours_part = [statistics.median(stages[e][i] for e, _ in measured) for i in range(5)]

    ref_total = AE_REF * ref_ae + IB_FULL * ref_ib
    ours_total = AE_FULL * ours_ae + IB_FULL * ours_ib
    print(f"## Paper MNIST setting on Fashion-MNIST: measured per epoch ({threads} threads)\n")
    print("| stage | reference s/epoch | ours s/epoch | ratio (reference / ours) |")
    print("|---|---:|---:|---:|")
    print(f"| input autoencoder epoch (60 000 images, L1; reference: the paper's schedule, ours: {SCHEDULE}) "
          f"| {ref_ae:.2f} | {ours_ae:.2f} | {ref_ae / ours_ae:.2f}× |")
    print(f"| information-plane epoch (train 60 000 + metrics + 12 MI estimates on 10 000) | {ref_ib:.2f} | "
          f"{ours_ib:.2f} | {ref_ib / ours_ib:.2f}× |")
    print(f"\n## Projected full run (autoencoder epochs: reference {AE_REF}, ours {AE_FULL}; + {IB_FULL} "
          f"information-plane epochs)\n")
    print("| part | reference | ours | ratio (reference / ours) |")
    print("|---|---:|---:|---:|")
    print(f"| autoencoder, {AE_REF} × / {AE_FULL} × | {minutes(AE_REF * ref_ae)} | {minutes(AE_FULL * ours_ae)} "
          f"| {AE_REF * ref_ae / (AE_FULL * ours_ae):.2f}× |")
    print(f"| information plane, {IB_FULL} × | {minutes(IB_FULL * ref_ib)} | {minutes(IB_FULL * ours_ib)} "
          f"| {ref_ib / ours_ib:.2f}× |")
    print(f"| **total** | **{minutes(ref_total)}** | **{minutes(ours_total)}** | **{ref_total / ours_total:.2f}×** |")

    ours_epochs = ", ".join(f"{e}: {s:.2f}" for e, s in epochs)
    print("\nHow measured:")
    print(f"- ours autoencoder: the `compressed X with ae` stage of `infoplane ib` ({ae_stage:.1f} s for {ae_epochs} "
          f"epoch(s){f' × {attempts} trainings (code collapsed)' if attempts > 1 else ''}, including the first "
          f"epoch's warm-up and one encoding of the 10 000 evaluation images) / epochs")
    print(f"- ours information-plane epochs (metrics.csv seconds + writing), s: {ours_epochs}; median of "
          f"{'epoch 1 (warm-up included)' if len(epochs) == 1 else 'epoch 2' if len(epochs) == 2 else f'epochs 2…{len(epochs)}'}"
          f"; stages (median): "
          f"training {ours_part[0]:.1f}, metrics {ours_part[1]:.1f}, layers + PCA {ours_part[2]:.1f}, "
          f"MI {ours_part[3]:.1f}, writing {ours_part[4]:.1f}")
    print(f"- reference autoencoder (bench/torch_autoencoder_epoch.py, torch {ref_ae_json['torch']}): warm-up epoch "
          f"{ref_ae_json['warmup_epoch_seconds']:.2f} s, timed epochs "
          f"{', '.join(f'{s:.2f}' for s in ref_ae_json['epoch_seconds'])} s (median used); encoding the 10 000 "
          f"evaluation images once: {ref_ae_json['encode_eval_seconds']:.2f} s (not in the projection)")
    print(f"- reference information-plane epoch (bench/reference_epoch.py, median of {len(ref_runs)} run(s)): "
          f"train {ref_part['train_epoch']:.1f} s, metrics + activations {ref_part['metrics_and_activations']:.1f} s, "
          f"12 MI estimates {ref_part['mi_12_estimates']:.1f} s")
    if load is not None:
        print(f"- not projected: ours' data loading {load:.1f} s, process start-up; the reference's data loading")
    print(f"\nLoad before: {load_before.strip()}")
    print(f"Load after:  {load_after.strip()}")
    print(f"nproc: {cores}; CPU: {cpu or 'unknown'}")
    json.dump({"ae": ours_ae, "ib": ours_ib, "total": ours_total}, open(os.path.join(tmp, "projection.json"), "w"))
else:
    run_dir, wall, load_end = sys.argv[4], float(sys.argv[5]), sys.argv[6]
    projection = json.load(open(os.path.join(tmp, "projection.json")))
    ae_stage, attempts, load, epochs, _ = ours_run(os.path.join(tmp, "full.err"), run_dir)
    ib_sum = sum(s for _, s in epochs)
    print(f"\n## Full run of ours (`infoplane ib --preset paper-mnist`, {len(epochs)} epochs)\n")
    print("| part | projected | measured |")
    print("|---|---:|---:|")
    print(f"| autoencoder, {AE_FULL} epochs | {minutes(AE_FULL * projection['ae'])} | {minutes(ae_stage)}"
          f"{f' ({attempts} trainings: code collapsed)' if attempts > 1 else ''} |")
    print(f"| information plane, {len(epochs)} epochs | {minutes(IB_FULL * projection['ib'])} | {minutes(ib_sum)} |")
    print(f"| **total wall time** (process start to exit) | **{minutes(projection['total'])}** | "
          f"**{minutes(wall)}** |")
    print(f"\nLoad after the full run: {load_end.strip()}")
PY
}

schedule_arg=$schedule
[[ $schedule == paper ]] || schedule_arg="short:$SHORT_AE_EPOCHS"
report short "$tmp" "$schedule_arg" "$ae_epochs" "$load_before" "$load_after" "$cores" "$cpu" "$threads"

if [[ $full -eq 1 ]]; then
  run_dir=${full_out:-$tmp/full}
  log "ours, full run: infoplane ib --preset paper-mnist ${ae_flags[*]} ($ae_full autoencoder epochs + 300 epochs) into $run_dir"
  start=$(date +%s.%N)
  # stderr (progress) goes to the terminal and to full.err; the pipeline fails if infoplane does (pipefail).
  { "$bin" ib --preset paper-mnist --dataset fashion-mnist --data-dir "$data" --threads "$threads" --timings \
    --ae-epochs "$ae_full" "${ae_flags[@]}" \
    --out "$run_dir" 2>&1 1>"$tmp/full.out"; } | tee "$tmp/full.err" >&2 || fail "infoplane ib (full run)" "$tmp/full.err"
  end=$(date +%s.%N)
  wall=$(python3 -c "import sys; print(float(sys.argv[2]) - float(sys.argv[1]))" "$start" "$end")
  report full "$tmp" "$schedule_arg" "$run_dir" "$wall" "$(uptime)"
  [[ -z $full_out ]] || echo "The full run is kept in $full_out (report.html, metrics.csv, mi.csv)."
fi
