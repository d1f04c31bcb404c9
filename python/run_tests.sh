#!/usr/bin/env bash
# Test the Python package as a user gets it: build the wheel with the CLI bundled, install it into a
# fresh, empty venv, and run python/tests there with no Swift toolchain and no other infoplane on PATH.
#
# Usage: python/run_tests.sh [BINARY] [-- PYTEST-ARGS...]
#   BINARY  the infoplane executable to bundle (as build_wheel.sh: default $INFOPLANE_BINARY, else
#           ../.build/release/infoplane relative to this folder).
# Environment:
#   PYTHON                 interpreter for the venv (default python3)
#   INFOPLANE_HIDE_TOOLCHAIN=0  do not hide the Swift toolchain's folder while the tests run (by default it is
#                          hidden where root and unshare allow: scripts/static-binary.sh run-hidden)
#   INFOPLANE_PY_TORCH=1   also install torch and safetensors from PyPI so the Recorder tests run
#                          (torch is large: ~0.5 GB, several GB with its CUDA dependencies);
#                          INFOPLANE_PY_TORCH_SPEC names another requirement or wheel file instead of "torch"
# Exits with pytest's status.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
binary="${INFOPLANE_BINARY:-$here/../.build/release/infoplane}"
if [ $# -gt 0 ] && [ "$1" != "--" ]; then binary="$1"; shift; fi
[ "${1:-}" = "--" ] && shift
python="${PYTHON:-python3}"

work="$(mktemp -d "${TMPDIR:-/tmp}/infoplane-pytest.XXXXXX")"
trap 'rm -rf "$work"' EXIT

wheel="$("$here/build_wheel.sh" "$binary" "$work/dist" | tail -n 1)"

"$python" -m venv "$work/venv" || {
  echo "run_tests.sh: '$python -m venv' failed; on Debian/Ubuntu install python3-venv (apt-get install python3-venv)" >&2
  exit 1
}
venv_python="$work/venv/bin/python"
"$venv_python" -m pip install --quiet --disable-pip-version-check "$wheel" pytest
if [ "${INFOPLANE_PY_TORCH:-0}" = "1" ]; then
  echo "run_tests.sh: installing ${INFOPLANE_PY_TORCH_SPEC:-torch} and safetensors (large download)" >&2
  "$venv_python" -m pip install --quiet --disable-pip-version-check "${INFOPLANE_PY_TORCH_SPEC:-torch}" safetensors ||
    echo "run_tests.sh: torch could not be installed here; the Recorder tests will skip, saying so" >&2
fi

# PATH without the Swift toolchain and without any infoplane, so the bundled CLI is what runs.
clean_path="$work/venv/bin"
IFS=':' read -r -a entries <<< "$PATH"
for entry in "${entries[@]}"; do
  [ -n "$entry" ] || continue
  [ -e "$entry/swift" ] || [ -e "$entry/swiftc" ] || [ -e "$entry/infoplane" ] && continue
  clean_path="$clean_path:$entry"
done

# From python/, whose src layout keeps the source package off sys.path: the installed one is tested
# (test_bundled_binary_is_used checks that it came from site-packages).
cd "$here"
status=0
# Where we may (root, unshare), the toolchain's folder is also hidden under an empty tmpfs, as on a machine
# without Swift: a bundled binary that still needed the Swift runtime would fail here.
hide=()
if [ "${INFOPLANE_HIDE_TOOLCHAIN:-1}" = "1" ] && command -v swift >/dev/null; then
  hide=("$here/../scripts/static-binary.sh" run-hidden)
fi
"${hide[@]}" env -u LD_LIBRARY_PATH -u INFOPLANE_BINARY -u PYTHONPATH -u VIRTUAL_ENV \
  PATH="$clean_path" INFOPLANE_EXPECT_BUNDLED=1 PYTHONDONTWRITEBYTECODE=1 \
  "$venv_python" -m pytest tests -p no:cacheprovider -ra "$@" || status=$?
exit "$status"
