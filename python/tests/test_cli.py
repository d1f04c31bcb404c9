"""Finding the CLI, its version, and that the package needs neither torch nor a toolchain."""

import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

import infoplane
from infoplane import _cli

EXPECT_BUNDLED = os.environ.get("INFOPLANE_EXPECT_BUNDLED") == "1"


def test_version_matches_cli():
    version = infoplane.version()
    assert re.fullmatch(r"\d+\.\d+\.\d+\S*", version), version
    direct = subprocess.run([infoplane.binary_path(), "--version"], capture_output=True, text=True, check=True)
    assert version == direct.stdout.strip()
    # The wheel bundles the CLI built from the same repository: the versions must agree.
    assert version == infoplane.__version__


@pytest.mark.skipif(not EXPECT_BUNDLED, reason="set by run_tests.sh, which installs the wheel with the bundled CLI")
def test_bundled_binary_is_used():
    package = Path(infoplane.__file__).resolve().parent
    assert Path(infoplane.binary_path()) == package / "bin" / "infoplane"
    assert os.access(infoplane.binary_path(), os.X_OK)
    # The run strips the toolchain and any other infoplane from PATH, and imports the installed package.
    assert shutil.which("infoplane") is None and shutil.which("swift") is None
    assert "site-packages" in str(package)


def test_import_does_not_need_torch():
    code = "import sys, infoplane; assert 'torch' not in sys.modules, 'torch was imported'"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_env_override_must_exist(monkeypatch, tmp_path):
    monkeypatch.setenv("INFOPLANE_BINARY", str(tmp_path / "missing"))
    with pytest.raises(infoplane.InfoPlaneError, match="INFOPLANE_BINARY"):
        infoplane.version()


def test_missing_binary_says_how_to_get_it(monkeypatch, tmp_path):
    monkeypatch.delenv("INFOPLANE_BINARY", raising=False)
    monkeypatch.setattr(_cli, "_BUNDLED", tmp_path / "bin" / "infoplane")
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(infoplane.InfoPlaneError) as caught:
        infoplane.binary_path()
    message = str(caught.value)
    assert "no infoplane CLI found" in message
    assert "build_wheel.sh" in message and "PATH" in message and "INFOPLANE_BINARY" in message
    assert caught.value.returncode is None


def test_bundled_binary_gets_execute_bits(monkeypatch, tmp_path):
    copy = tmp_path / "bin" / "infoplane"
    copy.parent.mkdir()
    shutil.copyfile(infoplane.binary_path(), copy)
    copy.chmod(0o644)
    monkeypatch.delenv("INFOPLANE_BINARY", raising=False)
    monkeypatch.setattr(_cli, "_BUNDLED", copy)
    assert infoplane.binary_path() == str(copy)
    assert copy.stat().st_mode & stat.S_IXUSR
    assert infoplane.version() == infoplane.__version__


def test_options_to_arguments():
    arguments = _cli.options_to_arguments(
        {"k": 3, "no_whiten": True, "labels": False, "threads": None, "ae_epochs": 10, "mi": [0, 1, 2.5], "out": Path("o")}
    )
    assert arguments == ["-k", "3", "--no-whiten", "--ae-epochs", "10", "--mi", "0,1,2.5", "--out", "o"]
