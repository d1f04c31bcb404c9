#!/usr/bin/env bash
# The self-contained infoplane executable: the Swift standard library, Foundation and Dispatch linked in, so it
# needs only the system's C libraries (libc, libm, libz, libstdc++) — the binary the Python wheel bundles.
#
#   scripts/static-binary.sh build          build it (release, --static-swift-stdlib), strip it to .build/static/infoplane
#                                           and print that path
#   scripts/static-binary.sh check BINARY   fail unless `ldd BINARY` lists no Swift runtime library and BINARY runs
#                                           (--version, and a small estimate) with the Swift toolchain out of reach:
#                                           PATH and LD_LIBRARY_PATH without it and, where we may (root, unshare), the
#                                           toolchain's folder hidden under an empty tmpfs in a private mount namespace
#   scripts/static-binary.sh toolchain      print the toolchain's root folder (the one `check` hides)
#   scripts/static-binary.sh run-hidden CMD…  run CMD with the toolchain hidden as `check` does
set -euo pipefail
caller_dir=$PWD
cd "$(dirname "$0")/.."

toolchain_root() {
  local swift
  swift=$(command -v swift) || { echo "static-binary.sh: no swift on PATH" >&2; return 1; }
  swift=$(readlink -f "$swift")  # …/usr/bin/swift-driver
  dirname "$(dirname "$(dirname "$swift")")"
}

# PATH without any folder that holds the Swift toolchain.
clean_path() {
  local out="" entry
  IFS=':' read -r -a entries <<< "$PATH"
  for entry in "${entries[@]}"; do
    [ -n "$entry" ] || continue
    { [ -e "$entry/swift" ] || [ -e "$entry/swiftc" ]; } && continue
    out="${out:+$out:}$entry"
  done
  echo "${out:-/usr/bin:/bin}"
}

run_hidden() {
  local root
  root=$(toolchain_root)
  local path
  path=$(clean_path)
  if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null &&
    unshare --mount --propagation private true 2>/dev/null; then
    echo "static-binary.sh: running with $root hidden (empty tmpfs in a private mount namespace)" >&2
    unshare --mount --propagation private env -u LD_LIBRARY_PATH PATH="$path" HIDDEN_ROOT="$root" \
      bash -c 'mount -t tmpfs tmpfs "$HIDDEN_ROOT" && exec "$@"' run-hidden "$@"
  else
    echo "static-binary.sh: cannot hide $root here (needs root and unshare); PATH and LD_LIBRARY_PATH only" >&2
    env -u LD_LIBRARY_PATH PATH="$path" "$@"
  fi
}

case "${1:-}" in
  build)
    swift build -c release --static-swift-stdlib --scratch-path .build/static --product infoplane >&2
    # Without its symbol table: 62 MB instead of 85 MB in the wheel.
    strip -o .build/static/infoplane .build/static/release/infoplane
    echo "$PWD/.build/static/infoplane"
    ;;
  check)
    binary=$(cd "$caller_dir" && readlink -f "${2:?usage: static-binary.sh check BINARY}")
    if ldd "$binary" | grep -E 'libswift|libFoundation|libdispatch|libBlocksRuntime|/opt/swift'; then
      echo "static-binary.sh: $binary links the Swift runtime dynamically (above)" >&2
      exit 1
    fi
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    python3 - "$work" <<'PY'
import sys, numpy as np
rng = np.random.default_rng(0)
x = rng.normal(size=(2000, 2)); y = x + rng.normal(size=(2000, 2))
np.save(f"{sys.argv[1]}/x.npy", x); np.save(f"{sys.argv[1]}/y.npy", y)
PY
    run_hidden "$binary" --version
    run_hidden "$binary" estimate "$work/x.npy" "$work/y.npy" --quiet
    echo "static-binary.sh: $binary needs no Swift runtime: $(ldd "$binary" | awk '{print $1}' | tr '\n' ' ')"
    ;;
  toolchain) toolchain_root ;;
  run-hidden)
    shift
    cd "$caller_dir"
    run_hidden "$@"
    ;;
  *)
    sed -n '2,13p' "$0" >&2
    exit 2
    ;;
esac
