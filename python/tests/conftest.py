"""Shared fixtures. The tests run against the installed package (run_tests.sh installs the wheel
into a fresh venv); from a checkout, `PYTHONPATH=src INFOPLANE_BINARY=... pytest tests` also works."""

import numpy as np
import pytest


@pytest.fixture
def rng() -> np.random.Generator:
    """A fixed-seed generator, so every run draws the same data."""
    return np.random.default_rng(20240517)
