"""infoplane.analyze on activations written by the built-in safetensors writer (no torch needed)."""

import math

import numpy as np
import pytest

import infoplane
from infoplane._safetensors import has_safetensors_package, write_safetensors


def _activations(rng, n=400, epochs=2):
    """Inputs, labels and, per epoch, two layers (one with a dotted name) that depend on the inputs."""
    labels = rng.integers(0, 3, n)
    inputs = (3.0 * np.eye(3)[labels] @ rng.standard_normal((3, 6)) + rng.standard_normal((n, 6))).astype(np.float32)
    layers = []
    for _ in range(epochs):
        hidden = np.tanh(inputs @ rng.standard_normal((6, 5))).astype(np.float32)
        layers.append({"block.0": hidden.reshape(n, 5, 1), "out": (hidden @ rng.standard_normal((5, 3))).astype(np.float32)})
    return inputs, labels, layers


def _write_root(root, inputs, labels, layers, form):
    root.mkdir()
    np.save(root / "inputs.npy", inputs)
    np.save(root / "labels.npy", labels.astype(np.int64))
    for epoch, tensors in enumerate(layers, start=1):
        if form == "npy":
            (root / f"epoch-{epoch:04d}").mkdir()
            for name, array in tensors.items():
                np.save(root / f"epoch-{epoch:04d}" / f"{name}.npy", array)
        else:
            write_safetensors(root / f"epoch-{epoch:04d}.safetensors", tensors, use_package=(form == "package"))


def test_builtin_safetensors_writer_matches_npy_folders(rng, tmp_path):
    inputs, labels, layers = _activations(rng)
    _write_root(tmp_path / "st", inputs, labels, layers, "builtin")
    _write_root(tmp_path / "npy", inputs, labels, layers, "npy")

    from_safetensors = infoplane.analyze(tmp_path / "st", out=tmp_path / "out-st")
    from_npy = infoplane.analyze(tmp_path / "npy", out=tmp_path / "out-npy")

    # The CLI documents both layouts as giving the same table bit for bit.
    assert from_safetensors.rows == from_npy.rows
    assert from_safetensors.mi_csv == tmp_path / "out-st" / "mi.csv"
    assert from_safetensors.report.is_file() and from_safetensors.report.stat().st_size > 1000
    assert from_safetensors.epochs == [1, 2]
    assert from_safetensors.layers == ["block.0", "out"]
    for row in from_safetensors.rows:
        assert isinstance(row["epoch"], int) and isinstance(row["layer"], str) and isinstance(row["flags"], str)
        assert all(math.isfinite(row[c]) for c in ("I_XL", "I_XL_se", "I_LY", "I_LY_se", "I_XL_smoothed", "I_LY_smoothed"))
    # The classes are readable from the layers, so I(L;Y) is well above zero (H(Y) ≈ ln 3).
    assert min(row["I_LY"] for row in from_safetensors.rows) > 0.3

    table = from_safetensors.array()
    assert table.dtype["epoch"] == np.int64 and table.dtype["I_XL"] == np.float64
    assert list(table["layer"]) == ["block.0", "out", "block.0", "out"]
    assert table[table["layer"] == "out"]["I_LY"].shape == (2,)
    assert from_safetensors.summary["unit"] == "nats"


def test_builtin_writer_matches_package(rng, tmp_path):
    if not has_safetensors_package():
        pytest.skip("safetensors not installed: compared with the package only where it is")
    from safetensors.numpy import load_file

    tensors = {"features.0": rng.standard_normal((5, 3, 2)).astype(np.float32), "b": np.arange(7, dtype=np.int64), "c": np.ones((2, 1), bool)}
    write_safetensors(tmp_path / "builtin.safetensors", tensors, use_package=False)
    loaded = load_file(str(tmp_path / "builtin.safetensors"))
    assert loaded.keys() == tensors.keys()
    for name, array in tensors.items():
        assert loaded[name].dtype == array.dtype and np.array_equal(loaded[name], array)


def test_missing_labels_raise_cli_message(rng, tmp_path):
    inputs, labels, layers = _activations(rng, epochs=1)
    _write_root(tmp_path / "acts", inputs, labels, layers, "builtin")
    (tmp_path / "acts" / "labels.npy").unlink()
    with pytest.raises(infoplane.InfoPlaneError, match="labels.npy") as caught:
        infoplane.analyze(tmp_path / "acts")
    assert caught.value.returncode == 2


def test_skipped_layers_become_warnings(rng, tmp_path):
    inputs, labels, layers = _activations(rng, epochs=1)
    layers[0]["short"] = layers[0]["out"][:-10]
    _write_root(tmp_path / "acts", inputs, labels, layers, "builtin")
    with pytest.raises(infoplane.InfoPlaneError, match="short"):
        infoplane.analyze(tmp_path / "acts")
    with pytest.warns(infoplane.InfoPlaneWarning, match="short"):
        result = infoplane.analyze(tmp_path / "acts", skip_bad_layers=True)
    assert result.layers == ["block.0", "out"]
