#!/usr/bin/env bash
# Build the infoplane platform wheel with the CLI bundled as infoplane/bin/infoplane.
#
# Usage: python/build_wheel.sh [BINARY] [OUTDIR]
#   BINARY  the infoplane executable to bundle (default: $INFOPLANE_BINARY, else ../.build/release/infoplane
#           relative to this folder). Bundle a statically linked build for a wheel that runs without Swift.
#   OUTDIR  where the wheel goes (default: python/dist). Older infoplane-*.whl files there are removed.
# Environment: PYTHON (default python3) builds the wheel; INFOPLANE_WHEEL_PLATFORM overrides the platform
# tag (e.g. manylinux_2_17_x86_64 for a static Linux build; default: this machine's, e.g. linux_x86_64).
# Prints the wheel's path as the last line of stdout.
#
# The package is copied into a fresh staging folder and built there (pip wheel, no build isolation, no
# downloads), so the source tree stays clean and every run starts from nothing.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
binary="${1:-${INFOPLANE_BINARY:-$here/../.build/release/infoplane}}"
outdir="${2:-$here/dist}"
python="${PYTHON:-python3}"

fail() { echo "build_wheel.sh: $*" >&2; exit 1; }

[ -f "$binary" ] || fail "no infoplane binary at $binary; build it (swift build -c release) or pass its path"
[ -x "$binary" ] || fail "$binary is not executable"
cli_version="$("$binary" --version)" || fail "$binary --version failed; is it the infoplane CLI for this machine?"
package_version="$(sed -n 's/^version = "\(.*\)"$/\1/p' "$here/pyproject.toml")"
if [ "$cli_version" != "$package_version" ]; then
  echo "build_wheel.sh: warning: the CLI is version $cli_version but the package is $package_version (pyproject.toml)" >&2
fi
if command -v ldd >/dev/null 2>&1 && ldd "$binary" 2>/dev/null | grep -q 'libswiftCore'; then
  echo "build_wheel.sh: warning: $binary links the Swift runtime dynamically; the wheel runs only where that" \
       "runtime is installed. Bundle a static build (swift build -c release --static-swift-stdlib, or the" \
       "static Linux SDK) for a wheel that runs anywhere." >&2
fi
"$python" -c 'import setuptools, sys; sys.exit(int(setuptools.__version__.split(".")[0]) < 64)' 2>/dev/null \
  || fail "$python needs setuptools >= 64 to build the wheel offline ($python -m pip install 'setuptools>=64')"

stage="$(mktemp -d "${TMPDIR:-/tmp}/infoplane-wheel.XXXXXX")"
trap 'rm -rf "$stage"' EXIT

cp "$here/pyproject.toml" "$here/setup.py" "$here/README.md" "$stage/"
mkdir -p "$stage/src/infoplane/bin"
for file in "$here"/src/infoplane/*.py "$here/src/infoplane/py.typed"; do
  cp "$file" "$stage/src/infoplane/"
done
cp "$binary" "$stage/src/infoplane/bin/infoplane"
chmod 755 "$stage/src/infoplane/bin/infoplane"

"$python" -m pip wheel --quiet --no-deps --no-build-isolation --no-index --wheel-dir "$stage/dist" "$stage" >&2 \
  || fail "pip wheel failed"

built=("$stage"/dist/infoplane-*.whl)
[ "${#built[@]}" -eq 1 ] && [ -f "${built[0]}" ] || fail "expected one wheel in $stage/dist, got: ${built[*]}"
case "$(basename "${built[0]}")" in
  *-py3-none-any.whl) fail "the wheel came out pure (py3-none-any) although it bundles the CLI" ;;
esac

mkdir -p "$outdir"
rm -f "$outdir"/infoplane-*.whl
cp "${built[0]}" "$outdir/"
wheel="$(cd "$outdir" && pwd)/$(basename "${built[0]}")"
echo "build_wheel.sh: $(basename "$wheel") bundles infoplane $cli_version from $binary" >&2
echo "$wheel"
