"""infoplane.estimate against closed-form mutual information, and its error reporting."""

import math

import numpy as np
import pytest

import infoplane


@pytest.mark.parametrize("sigma", [1.0, 0.5])
def test_gaussian_closed_form(rng, sigma):
    # x ~ N(0, I_2), y = x + σ·noise: each coordinate pair is an independent Gaussian channel with
    # SNR 1/σ², so I(X;Y) = Σ_dims ½·ln(1 + 1/σ²) (ln 2 = 0.693 for σ = 1, ln 5 = 1.609 for σ = 0.5).
    n, dims = 5000, 2
    x = rng.standard_normal((n, dims))
    y = x + sigma * rng.standard_normal((n, dims))
    truth = dims * 0.5 * math.log(1.0 + 1.0 / sigma**2)

    result = infoplane.estimate(x, y)

    assert result.estimator == "ksg"
    assert (result.n, result.dx, result.dy) == (n, dims, dims)
    assert not result.flagged, result
    # Tolerance: the estimate's own sampling noise (4 standard errors: a false failure about once
    # in 16 000 runs if the error is right) plus 0.03 nats for KSG's bias. KSG with k = 5 is biased
    # low for strongly dependent pairs; in 4 joint dimensions at n = 5000 and I ≤ 1.6 nats that
    # bias is about 0.01 nats (Kraskov et al. 2004, fig. 4; docs/estimators.md), so 0.03 leaves room
    # without hiding a real error (a wrong unit or dimension count is off by ≥ 0.3).
    assert abs(result.value - truth) < 4 * result.standard_error + 0.03, (result, truth)
    assert 0 < result.standard_error < 0.05
    assert result.bits == pytest.approx(result.value / math.log(2))
    assert float(result) == result.value
    assert str(result).startswith(f"{result.value:.4f} ± {result.standard_error:.4f} nats (ksg, n={n})")


def test_label_mi_reaches_label_entropy(rng):
    # Four classes whose centres are 20 apart with noise σ = 0.5: the class is readable from x
    # without error, so I(X;Y) = H(Y), the entropy of the labels (≈ ln 4). Compared with the
    # plug-in entropy of the labels actually drawn; tolerance as in the Gaussian test.
    n, classes = 4000, 4
    centres = 20.0 * np.array([[0, 0], [1, 0], [0, 1], [1, 1]])
    labels = rng.integers(0, classes, n)
    x = centres[labels] + 0.5 * rng.standard_normal((n, 2))
    p = np.bincount(labels, minlength=classes) / n
    entropy = float(-(p * np.log(p)).sum())

    result = infoplane.estimate(x, labels, labels=True)

    assert result.settings["labels"] is True
    assert result.settings["classes"] == classes
    assert result.dy == 1
    assert not result.flagged, result
    assert abs(result.value - entropy) < 4 * result.standard_error + 0.03, (result, entropy)
    assert abs(entropy - math.log(classes)) < 0.01


def test_labels_accept_column_and_integer_floats(rng):
    x = rng.standard_normal((500, 3))
    labels = (x[:, 0] > 0).astype(np.int64)
    as_int = infoplane.estimate(x, labels, labels=True)
    as_column_floats = infoplane.estimate(x, labels.reshape(-1, 1).astype(float), labels=True)
    as_bool = infoplane.estimate(x, labels.astype(bool), labels=True)
    assert as_int.value == as_column_floats.value == as_bool.value


def test_extra_options_become_flags(rng):
    x = rng.standard_normal((800, 6))
    y = x[:, :2] + rng.standard_normal((800, 2))
    plain = infoplane.estimate(x, y, no_standardize=True, k=3, bits=True)
    assert plain.settings["standardize"] is False
    assert plain.settings["k"] == 3
    assert plain.settings["mi_bits"] == pytest.approx(plain.bits)
    compressed = infoplane.estimate(x.reshape(800, 2, 3), y, compress_x="pca:2", seed=1)
    assert compressed.dx == 6
    assert compressed.settings["compression"]["x"]["method"] == "pca"
    assert compressed.settings["compression"]["x"]["code_dimension"] == 2
    assert compressed.settings["seed"] == 1
    kl = infoplane.estimate(x, y, estimator="kl", no_whiten=True, threads=1)
    assert kl.estimator == "kl"


def test_dtypes_the_cli_does_not_read_are_converted(rng):
    x = rng.standard_normal((600, 2))
    y = x + rng.standard_normal((600, 2))
    reference = infoplane.estimate(x, y)
    # Fortran order, big-endian and float32 from float16 are all rejected by the CLI as files;
    # estimate converts them first.
    assert infoplane.estimate(np.asfortranarray(x), y.astype(">f8")).value == reference.value
    assert math.isfinite(infoplane.estimate(x.astype(np.float16), y.tolist()).value)


def test_files_are_passed_through(rng, tmp_path):
    x = rng.standard_normal((700, 2))
    y = x + rng.standard_normal((700, 2))
    np.save(tmp_path / "x.npy", x)
    np.save(tmp_path / "y.npy", y)
    assert infoplane.estimate(tmp_path / "x.npy", str(tmp_path / "y.npy")).value == infoplane.estimate(x, y).value


def test_row_count_mismatch_raises_cli_message(rng):
    x = rng.standard_normal((300, 2))
    with pytest.raises(infoplane.InfoPlaneError) as caught:
        infoplane.estimate(x, x[:299])
    error = caught.value
    assert "300" in error.message and "299" in error.message
    assert "rows must be paired" in str(error)
    assert not str(error).startswith("Error:")
    assert error.returncode == 2
    assert error.command[1] == "estimate" and "--json" in error.command


def test_nan_raises_cli_message(rng):
    x = rng.standard_normal((300, 2))
    x[7, 1] = np.nan
    with pytest.raises(infoplane.InfoPlaneError, match=r"X has NaN or Inf at row 7, column 1"):
        infoplane.estimate(x, rng.standard_normal((300, 2)))


def test_unknown_option_raises_cli_message(rng):
    x = rng.standard_normal((100, 2))
    with pytest.raises(infoplane.InfoPlaneError, match="Unknown option '--no-such-option'"):
        infoplane.estimate(x, x, no_such_option=True)


def test_bad_labels_are_caught_in_python(rng):
    x = rng.standard_normal((100, 2))
    with pytest.raises(ValueError, match="integer class labels"):
        infoplane.estimate(x, rng.standard_normal(100), labels=True)
    with pytest.raises(ValueError, match="shape"):
        infoplane.estimate(x, np.zeros((100, 2)), labels=True)
    with pytest.raises(ValueError, match="scalar"):
        infoplane.estimate(np.float64(1.0), x)


def test_torch_tensors_are_accepted(rng):
    torch = pytest.importorskip("torch", reason="torch not installed: tensor inputs are checked only where it is")
    x = rng.standard_normal((1000, 2)).astype(np.float32)
    y = x + rng.standard_normal((1000, 2)).astype(np.float32)
    from_tensor = infoplane.estimate(torch.tensor(x, requires_grad=True), torch.from_numpy(y))
    assert from_tensor.value == infoplane.estimate(x, y).value
    labels = torch.from_numpy((x[:, 0] > 0).astype(np.int64))
    assert infoplane.estimate(torch.from_numpy(x), labels, labels=True).value > 0.3


def test_validate_gaussian():
    result = infoplane.validate(compressor="none", mi=[0, 1], samples=2000)
    assert result["task"] == "gaussian" and result["unit"] == "nats"
    points = result["points"]
    assert [p["true_mi"] for p in points] == [0, 1]
    for point in points:
        assert abs(point["estimate"] - point["true_mi"]) < 4 * point["standard_error"] + 0.03, point
