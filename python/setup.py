"""Build hook: a wheel that bundles the infoplane CLI is a platform wheel.

All metadata lives in pyproject.toml. This file only changes the wheel tag: when
``src/infoplane/bin/infoplane`` is present (build_wheel.sh copies it in), the wheel holds a
native executable, so it must not be tagged ``py3-none-any``. It becomes ``py3-none-<platform>``
(any Python 3, no ABI dependence: the package itself is pure Python, only the executable is
native). ``INFOPLANE_WHEEL_PLATFORM`` overrides the platform part, e.g.
``manylinux_2_17_x86_64`` for a statically linked CLI that runs on any x86-64 Linux.
Without the binary the wheel stays pure (``py3-none-any``) and finds ``infoplane`` on PATH.
"""

import os
from pathlib import Path

from setuptools import Distribution, setup

try:  # setuptools >= 70.1
    from setuptools.command.bdist_wheel import bdist_wheel as _bdist_wheel
except ImportError:  # older setuptools: the `wheel` package provides it
    from wheel.bdist_wheel import bdist_wheel as _bdist_wheel

BUNDLED_BINARY = Path(__file__).resolve().parent / "src" / "infoplane" / "bin" / "infoplane"


class bdist_wheel(_bdist_wheel):
    """bdist_wheel that tags a wheel with a bundled CLI as py3-none-<platform>."""

    def finalize_options(self) -> None:
        super().finalize_options()
        if BUNDLED_BINARY.is_file():
            self.root_is_pure = False

    def get_tag(self):  # type: ignore[override]
        python, abi, platform = super().get_tag()
        if BUNDLED_BINARY.is_file():
            python, abi = "py3", "none"
            platform = os.environ.get("INFOPLANE_WHEEL_PLATFORM") or platform
        return python, abi, platform


class BinaryDistribution(Distribution):
    """A distribution that counts as platform-specific when the CLI is bundled.

    This puts the package at the wheel's root (platlib) instead of under ``.data/purelib``.
    """

    def has_ext_modules(self) -> bool:
        return BUNDLED_BINARY.is_file()


setup(cmdclass={"bdist_wheel": bdist_wheel}, distclass=BinaryDistribution)
