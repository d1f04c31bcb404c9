#!/usr/bin/env bash
# Renders an InfoPlane HTML report in headless Chromium and saves a PNG screenshot, to check that the report displays
# offline as intended. Usage: bench/screenshot.sh REPORT.html OUT.png [WIDTH] [HEIGHT]
# Needs Chromium (Debian: apt-get install chromium).
set -euo pipefail
report=$(realpath "$1")
out=$(realpath -m "$2")
width=${3:-1400}
height=${4:-2600}
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$browser" ]; then
  echo "Chromium not found; install it with: apt-get install chromium" >&2
  exit 2
fi
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --force-device-scale-factor=1 \
  --window-size="${width},${height}" --screenshot="$out" "file://$report" >/dev/null 2>&1
echo "wrote $out"
