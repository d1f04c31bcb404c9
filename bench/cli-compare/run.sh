#!/usr/bin/env bash
# usage: DATA=DIR run.sh BINARY OUTDIR — runs deterministic CLI examples; per case stdout/stderr/status, plus the
# tables and reports they write (under OUTDIR/files). Compare two binaries with compare.sh.
B=$1; O=$2; rm -rf "$O"; mkdir -p "$O"; D=${DATA:?set DATA to the make_data.py directory}; W=${WORK:-/tmp/infoplane-cli-compare-work}; mkdir -p $W
run() { local name=$1; shift; "$@" >"$O/$name.out" 2>"$O/$name.err"; echo $? >"$O/$name.rc"; }
run est_ksg $B estimate $D/x.npy $D/y.npy
run est_ksg_json $B estimate $D/x.npy $D/y.npy --json
run est_es $B estimate $D/x.npy $D/y.npy --estimator entropy-sum --json
run est_kl $B estimate $D/x.npy $D/y.npy --estimator kl
run est_wkl $B estimate $D/x.npy $D/y.npy --estimator wkl --json
run est_ksg2 $B estimate $D/x.npy $D/y.npy --estimator ksg2 -k 3
run est_gauss $B estimate $D/x.npy $D/y.npy --estimator gaussian --json
run est_labels $B estimate $D/x1.npy $D/lab.npy --labels
run est_labels_json $B estimate $D/x1.npy $D/lab.npy --labels --json
run est_pca $B estimate $D/x.npy $D/y.npy --compress-x pca:2 --json
run est_ties $B estimate $D/xt.npy $D/yt.npy --json
run est_jit $B estimate $D/xt.npy $D/yt.npy --jitter-ties --seed 3
run est_bad1 $B estimate $D/nope.npy $D/y.npy
run est_bad2 $B estimate $D/x.npy $D/y.npy -k 0
run est_bad3 $B estimate $D/x.npy $D/y.npy --estimator foo
run est_bad4 $B estimate $D/x.npy $D/y.npy --compress-x pca:9
run est_bad5 $B estimate $D/x.npy $D/short.npy
run insp $B inspect $D/x.npy
run insp_json $B inspect $D/x.npy --json
run insp_csv $B inspect $D/x.csv
run val1 $B validate --task gaussian --samples 2000 --seed 1 --out $W/val1 --quiet
run val2 $B validate --task label-mixing --mi 0,1,2 --samples 2000 --seed 1 --out $W/val2 --json
run val3 $B validate --task noisy-quantized --mi 0,0.5,1 --samples 1000 --seed 2 --out $W/val3
run val4 $B validate --task rectangles --compressor pca --image-size 16 --mi 0,1 --samples 800 --training-samples 800 --seed 2 --out $W/val4
run val5 $B validate --task gaussian --compressor ae --ae-epochs 2 --mi 1 --samples 500 --training-samples 500 --seed 2 --out $W/val5
run val_bad $B validate --task nope
run train1 $B train --dataset npy --data-dir $D/npyds --epochs 1 --out $W/train1 --seed 2
run ib1 $B ib --dataset shapes --epochs 2 --ae-epochs 1 --train-samples 600 --test-samples 300 --out $W/ib1 --seed 2
run ib2 $B ib --dataset shapes --epochs 1 --x-compressor pca --estimator ksg --train-samples 600 --test-samples 300 --out $W/ib2 --seed 2
run report1 $B report $W/ib1
run ana1 $B analyze $D/acts --out $W/ana1 --json
run ana_bad $B analyze $D/nothere
run help $B --help
for c in estimate validate ib analyze report train inspect; do run help_$c $B $c --help; done
# normalise run outputs: files written
for f in $(cd $W && find . -type f \( -name '*.csv' -o -name '*.json' -o -name '*.html' -o -name '*.svg' \) | sort); do
  mkdir -p "$O/files/$(dirname $f)"; sed -E 's/[0-9]+\.[0-9]+ s\b/T s/g' "$W/$f" > "$O/files/$f"; done
rm -rf $W
