#!/usr/bin/env bash
# usage: compare.sh OLD_BINARY NEW_BINARY — same outputs byte for byte, timings masked? Prints the differing files.
# Used for the restructuring of 2026-11-30 (docs/architecture.md): only help texts differed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
t=$(mktemp -d)
export DATA=$t/data
python3 "$here/make_data.py" "$DATA"
bash "$here/run.sh" "$1" "$t/old" >/dev/null 2>&1
bash "$here/run.sh" "$2" "$t/new" >/dev/null 2>&1
norm() {
  find "$1" -type f | while read -r f; do
    sed -i -E 's/[0-9]+(\.[0-9]+)? ?(s|ms)\b/T/g; s/[0-9]+ images\/s/N images\/s/g; s/,[0-9.e-]+,[0-9.e-]+$/,X,T/;
      s/,[0-9.e-]+$/,T/; s/[0-9]+\.[0-9] \([0-9]+\.[0-9]\)/W (C)/g; s/<td>[0-9.]+<\/td><\/tr>/<td>T<\/td><\/tr>/g;
      s/"(seconds|compression|estimation|sampling|training|compressor_training|total)" : [0-9.e-]+/"\1" : T/g' "$f"
  done
}
norm "$t/old"; norm "$t/new"
diff -rq "$t/old" "$t/new" && echo "identical (timings masked)"
echo "outputs in $t"
