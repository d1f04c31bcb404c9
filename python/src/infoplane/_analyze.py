"""analyze(): I(X;L) and I(L;Y) per layer and epoch from saved activations."""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Union

import numpy as np

from ._arrays import PathLike
from ._cli import OptionValue, json_dict, options_to_arguments, run_json

__all__ = ["AnalysisResult", "analyze", "read_mi_csv"]

Row = Dict[str, Union[int, float, str]]

# Columns of mi.csv that are not numbers.
_TEXT_COLUMNS = {"layer", "flags"}
_INTEGER_COLUMNS = {"epoch"}


def _parse(column: str, text: str) -> Union[int, float, str]:
    if column in _TEXT_COLUMNS:
        return text
    if column in _INTEGER_COLUMNS:
        return int(text)
    if text == "":
        return math.nan
    try:
        return float(text)  # also reads nan/inf
    except ValueError:
        return text  # a column this version does not know: keep its text


def read_mi_csv(path: PathLike) -> List[Row]:
    """The rows of an ``mi.csv`` written by ``infoplane analyze`` or ``infoplane ib``.

    Each row is a dict keyed by the header: ``epoch`` (int), ``layer`` (str), ``I_XL``,
    ``I_XL_se``, ``I_LY``, ``I_LY_se``, ``I_XL_smoothed``, ``I_LY_smoothed`` (float, nats; NaN where
    empty) and ``flags`` (str: space-separated ``I_XL:…``/``I_LY:…`` names, empty when none).
    """
    with open(path, newline="", encoding="utf-8") as handle:
        return [
            {column: _parse(column, text) for column, text in row.items()}
            for row in csv.DictReader(handle)
        ]


@dataclass(frozen=True)
class AnalysisResult:
    """What ``infoplane analyze`` wrote, read back.

    Attributes:
        rows: the rows of mi.csv, one per epoch and layer (see :func:`read_mi_csv`), in the file's
            order (by epoch, then layer name).
        mi_csv: path of mi.csv.
        report: path of report.html, the self-contained information-plane report.
        summary: the JSON object the CLI printed (``estimator``, ``k``, ``seed``, ``unit``,
            ``version``, ``rows`` with ``flags`` as lists, ``mi_csv``, ``report``), or None.
    """

    rows: List[Row]
    mi_csv: Path
    report: Path
    summary: Optional[Dict[str, Any]] = field(default=None, repr=False)

    @property
    def epochs(self) -> List[int]:
        """The epochs analysed, ascending."""
        return sorted({int(row["epoch"]) for row in self.rows})

    @property
    def layers(self) -> List[str]:
        """The layers analysed, in the order of mi.csv."""
        return list(dict.fromkeys(str(row["layer"]) for row in self.rows))

    def array(self) -> np.ndarray:
        """The rows as a NumPy structured array: ``epoch`` int64, ``layer`` and ``flags`` unicode, the rest float64.

        ``result.array()["I_XL"]`` is then one column; ``a[a["layer"] == "fc1"]`` the rows of a layer.
        """
        if not self.rows:
            return np.zeros(0, dtype=[("epoch", np.int64), ("layer", "U1")])
        columns = list(self.rows[0])
        dtype = []
        for column in columns:
            values = [row[column] for row in self.rows]
            if all(isinstance(v, int) for v in values):
                dtype.append((column, np.int64))
            elif all(isinstance(v, (int, float)) for v in values):
                dtype.append((column, np.float64))
            else:
                dtype.append((column, f"U{max(1, max(len(str(v)) for v in values))}"))
        return np.array([tuple(row[c] for c in columns) for row in self.rows], dtype=dtype)

    def __repr__(self) -> str:
        return (
            f"AnalysisResult({len(self.rows)} rows: epochs {self.epochs}, layers {self.layers}, "
            f"report={str(self.report)!r})"
        )


def analyze(
    root: PathLike,
    *,
    out: Optional[PathLike] = None,
    estimator: Optional[str] = None,
    x_latent_dim: Optional[int] = None,
    layer_latent_dim: Optional[int] = None,
    seed: int = 0,
    **extra: OptionValue,
) -> AnalysisResult:
    """Estimate I(X;L) and I(L;Y) per layer and epoch from saved activations (``infoplane analyze``).

    ``root`` holds ``inputs.npy`` (the evaluation inputs [n, …]), ``labels.npy`` (n integer class
    labels) and, per epoch, ``epoch-NNNN.safetensors`` (a tensor [n, …] per layer, named by the
    layer) or a folder ``epoch-NNNN/`` with ``<layer>.npy`` files; :class:`infoplane.Recorder`
    writes exactly this. NNNN is 1–9 digits. Inputs and layers are compressed by PCA, then MI is
    estimated in nats.

    Args:
        root: the activations folder.
        out: folder for mi.csv and report.html (None: ``root`` itself).
        estimator: ``auto`` (the CLI's default here), ``wkl``, ``kl``, ``ksg``, ``ksg2`` or
            ``entropy-sum``; None for the CLI's default.
        x_latent_dim: PCA components for the inputs (None: the CLI's default, 4).
        layer_latent_dim: PCA components per layer (None: the CLI's default, 4).
        seed: seed of every random draw.
        **extra: further CLI options, underscores as dashes: ``k=5``, ``threads=2``,
            ``skip_bad_layers=True`` (leave out a layer that cannot be analysed, with an
            InfoPlaneWarning), ``standard_error="per-sample"``.

    Returns:
        An AnalysisResult with ``.rows`` (mi.csv), ``.array()``, ``.report`` and ``.mi_csv``.

    Raises:
        InfoPlaneError: the CLI rejected the folder or its files (the message names the file and
            problem) or failed.
    """
    options: Dict[str, OptionValue] = {
        "out": out,
        "estimator": estimator,
        "x_latent_dim": x_latent_dim,
        "layer_latent_dim": layer_latent_dim,
        "seed": seed,
    }
    options.update(extra)
    summary = json_dict(run_json(["analyze", str(root), *options_to_arguments(options)], stacklevel=3))
    folder = Path(out if out is not None else root)
    mi_csv = Path(summary.get("mi_csv") or folder / "mi.csv")
    report = Path(summary.get("report") or folder / "report.html")
    return AnalysisResult(rows=read_mi_csv(mi_csv), mi_csv=mi_csv, report=report, summary=summary)
