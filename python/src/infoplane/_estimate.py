"""estimate() and validate(): mutual information of two samples, and the CLI's self-check."""

from __future__ import annotations

import math
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Union

from ._arrays import ArrayLike, PathLike, save_for_cli
from ._cli import OptionValue, json_dict, options_to_arguments, run_json

__all__ = ["Estimate", "estimate", "validate"]

_LN2 = math.log(2.0)


def _number(value: Any) -> float:
    """A JSON number as a float; the CLI writes non-finite numbers as null."""
    return float("nan") if value is None else float(value)


@dataclass(frozen=True)
class Estimate:
    """One mutual-information estimate, as ``infoplane estimate --json`` reports it.

    Attributes:
        value: the estimate of I(X;Y) in nats (``mi`` in the CLI's JSON; NaN where the CLI wrote null).
            It may be negative: estimators have bias and noise, and the CLI reports what it got.
        standard_error: its standard error in nats.
        estimator: the estimator that produced it (``ksg``, ``kl``, ``wkl``, ``ksg2``, ``gaussian``, …).
        n: number of samples (rows).
        dx: dimension of X per sample (after flattening higher ranks).
        dy: dimension of Y per sample (1 for labels).
        notes: remarks of the CLI about the estimate.
        flags: names of broken bounds or degenerate data (``below-zero``, ``above-label-entropy``,
            ``degenerate``, …); empty when the estimate can be trusted as far as the CLI can tell.
        settings: every other key of the CLI's JSON (``k``, ``seed``, ``labels``, ``classes``,
            ``standardize``, ``tie_breaking``, ``compression``, ``mi_bits``, ``version``, …), except
            the names of the temporary files the data were passed in.
    """

    value: float
    standard_error: float
    estimator: str
    n: int
    dx: int
    dy: int
    notes: List[str] = field(default_factory=list)
    flags: List[str] = field(default_factory=list)
    settings: Dict[str, Any] = field(default_factory=dict)

    @property
    def flagged(self) -> bool:
        """True when the CLI flagged the estimate (see ``flags``): do not trust it as it stands."""
        return bool(self.flags)

    @property
    def bits(self) -> float:
        """The estimate in bits (nats / ln 2)."""
        return self.value / _LN2

    @property
    def standard_error_bits(self) -> float:
        """The standard error in bits."""
        return self.standard_error / _LN2

    def __float__(self) -> float:
        return float(self.value)

    def __str__(self) -> str:
        text = f"{self.value:.4f} ± {self.standard_error:.4f} nats ({self.estimator}, n={self.n})"
        if self.flagged:
            text += " FLAGGED: " + ", ".join(self.flags)
        return text

    def __repr__(self) -> str:
        return f"Estimate({self})"

    @classmethod
    def from_json(cls, result: Dict[str, Any]) -> "Estimate":
        """The Estimate of one JSON object printed by ``infoplane estimate --json``."""
        own = {"mi", "standard_error", "estimator", "n", "dx", "dy", "notes", "flags", "x", "y"}
        return cls(
            value=_number(result.get("mi")),
            standard_error=_number(result.get("standard_error")),
            estimator=str(result.get("estimator", "")),
            n=int(result.get("n", 0)),
            dx=int(result.get("dx", 0)),
            dy=int(result.get("dy", 0)),
            notes=[str(note) for note in result.get("notes", [])],
            flags=[str(flag) for flag in result.get("flags", [])],
            settings={key: value for key, value in result.items() if key not in own},
        )


def estimate(
    x: Union[ArrayLike, PathLike],
    y: Union[ArrayLike, PathLike],
    *,
    estimator: Optional[str] = None,
    k: Optional[int] = 5,
    labels: bool = False,
    compress_x: Optional[str] = None,
    compress_y: Optional[str] = None,
    seed: int = 0,
    threads: Optional[int] = None,
    **extra: OptionValue,
) -> Estimate:
    """Estimate the mutual information I(X;Y) in nats with ``infoplane estimate``.

    Args:
        x: samples of X, one per row: a NumPy array, anything ``np.asarray`` takes, or a torch tensor
            (detached and copied to the CPU). Arrays of higher rank are flattened per sample by the
            CLI. A ``str``/``PathLike`` is passed to the CLI as a data file (.npy, .csv, IDX,
            ``FILE.safetensors:NAME``).
        y: samples of Y, rows paired with ``x``; with ``labels=True``, integer class labels of shape
            [n] (or [n, 1]), saved as int64.
        estimator: ``ksg`` (the CLI's default for estimate), ``ksg2``, ``kl``, ``wkl``,
            ``entropy-sum``, ``gaussian`` or ``auto``; None for the CLI's default.
        k: neighbours per sample of the k-NN estimators (None: the CLI's default, 5).
        labels: treat ``y`` as class labels (Ross's estimator for continuous–discrete pairs with ksg).
        compress_x: compress X first to a low-dimensional code: ``"pca:N"`` or ``"ae:N"``.
        compress_y: compress Y first, as ``compress_x``.
        seed: seed of every random draw of the CLI (compressors, tie-breaking jitter).
        threads: worker threads (None: all cores).
        **extra: further CLI options, underscores as dashes: ``True`` gives a bare flag, e.g.
            ``no_whiten=True``, ``no_standardize=True``, ``jitter_ties=True``, ``ae_epochs=10``,
            ``standard_error="per-sample"``.

    Returns:
        The Estimate (``.value`` in nats, ``.standard_error``, ``.flags``, ...).

    Raises:
        InfoPlaneError: the CLI rejected the input (e.g. row counts differ, NaN values) with its
            message, or failed.
        ValueError, TypeError: ``x`` or ``y`` cannot be turned into a numeric array, or labels are
            not integers.
    """
    options: Dict[str, OptionValue] = {
        "estimator": estimator,
        "k": k,
        "labels": labels,
        "compress_x": compress_x,
        "compress_y": compress_y,
        "seed": seed,
        "threads": threads,
    }
    options.update(extra)
    with tempfile.TemporaryDirectory(prefix="infoplane-") as folder:
        x_file = save_for_cli(x, Path(folder) / "x.npy", "x")
        y_file = save_for_cli(y, Path(folder) / "y.npy", "y", labels=labels)
        result = run_json(["estimate", x_file, y_file, *options_to_arguments(options)], stacklevel=3)
    return Estimate.from_json(json_dict(result))


def validate(
    task: Optional[str] = "gaussian",
    *,
    out: Optional[PathLike] = None,
    seed: int = 0,
    **options: OptionValue,
) -> Dict[str, Any]:
    """Check the CLI's estimates against synthetic data of known MI (``infoplane validate --json``).

    For each true MI value the CLI draws a fresh sample, optionally compresses it, and estimates
    MI; the result says how close it came.

    Args:
        task: ``gaussian`` (this function's default: fast, closed-form MI), ``blobs`` (the CLI's
            default), ``correlated-blobs``, ``rectangles``, ``anti-pca``, ``labels``, ``label-mixing``,
            ``label-mixing-simplex``, ``cluster-codes``, ``noisy-quantized`` or ``linear-network``;
            None for the CLI's default.
        out: folder for the CLI's results.csv and report.html. None: a temporary folder, deleted
            afterwards (everything is also in the returned dict).
        seed: seed of every random draw.
        **options: further CLI options, underscores as dashes, lists joined by commas: e.g.
            ``compressor="none"``, ``mi=[0, 1, 2.5]`` (true MI values in nats) or ``mi="0:10:41"``,
            ``samples=2000``, ``training_samples=2000``, ``dimension=2``, ``latent_dim=4``,
            ``estimator="ksg"``, ``k=5``, ``ae_epochs=10``, ``threads=2``.

    Returns:
        The CLI's JSON object, unchanged: ``task``, ``compressor``, ``estimator``, ``k``, ``samples``,
        ``seed``, ``unit`` ("nats"), ``version``; ``points``, a list with one dict per true MI value
        (``true_mi``, ``estimate``, ``standard_error``, ``latent_estimate``,
        ``latent_standard_error``, ``flags``); ``mean_absolute_error`` and
        ``latent_mean_absolute_error`` over the points; ``mae_at`` (the errors over the ``mae_at``
        values); ``timings_seconds`` and ``cpu_seconds`` per stage. Non-finite numbers are None.

    Raises:
        InfoPlaneError: the CLI rejected the options or failed.
    """
    arguments = options_to_arguments({"task": task, "seed": seed, **options})
    if out is not None:
        return json_dict(run_json(["validate", *arguments, "--out", str(out)], stacklevel=3))
    with tempfile.TemporaryDirectory(prefix="infoplane-validate-") as folder:
        return json_dict(run_json(["validate", *arguments, "--out", folder], stacklevel=3))
