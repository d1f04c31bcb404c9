"""Turning array-likes into .npy files the infoplane CLI reads."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Union

import numpy as np

__all__ = ["ArrayLike", "as_numpy", "cli_array", "cli_labels", "save_for_cli"]

#: Anything np.asarray accepts (NumPy arrays, nested lists, CPU torch tensors, …); estimate() also
#: takes a path to a file the CLI reads.
ArrayLike = Any
PathLike = Union[str, "os.PathLike[str]"]

# The element types the CLI reads from .npy (docs/formats.md), as NumPy dtype strings.
_SUPPORTED = {"f4", "f8", "i1", "i2", "i4", "i8", "u1", "b1"}


def as_numpy(value: ArrayLike, name: str) -> np.ndarray:
    """``value`` as a NumPy array; torch tensors (also on a GPU or requiring grad) are detached and copied to the CPU."""
    if hasattr(value, "detach") and hasattr(value, "cpu") and hasattr(value, "numpy"):
        tensor = value.detach().cpu()
        if str(getattr(tensor, "dtype", "")) in ("torch.bfloat16", "torch.float16"):
            tensor = tensor.float()  # NumPy has no bfloat16; the CLI reads no float16
        return tensor.numpy()
    try:
        return np.asarray(value)
    except Exception as error:  # ragged lists and the like
        raise TypeError(f"{name} cannot be converted to a NumPy array: {error}") from error


def cli_array(value: ArrayLike, name: str) -> np.ndarray:
    """``value`` as a C-ordered, little-endian array of a dtype the CLI reads.

    float16 → float32, other floats → float64, wider or unsigned integers → int64 (uint64 beyond the
    int64 range → float64). Rows are samples: a 0-d value is rejected.
    """
    array = as_numpy(value, name)
    if array.ndim == 0:
        raise ValueError(f"{name} is a scalar; pass an array with one sample per row")
    kind, size = array.dtype.kind, array.dtype.itemsize
    code = f"{kind}{size}"
    if code not in _SUPPORTED:
        if kind == "f":
            array = array.astype(np.float32 if size < 4 else np.float64)
        elif kind in "iu":
            if kind == "u" and size == 8 and array.size and array.max() > np.iinfo(np.int64).max:
                array = array.astype(np.float64)
            else:
                array = array.astype(np.int64)
        elif kind == "b":
            array = array.astype(np.bool_)
        else:
            try:
                array = array.astype(np.float64)
            except (TypeError, ValueError) as error:
                raise TypeError(f"{name} has dtype {array.dtype}, which is not numeric") from error
    if array.dtype.byteorder == ">":
        array = array.astype(array.dtype.newbyteorder("<"))
    return np.ascontiguousarray(array)


def cli_labels(value: ArrayLike, name: str) -> np.ndarray:
    """Class labels as a 1-D int64 array ([n] or [n, 1] input; integer-valued floats and bools are accepted)."""
    array = as_numpy(value, name)
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 1:
        raise ValueError(f"{name} must be class labels of shape [n] or [n, 1], got shape {list(array.shape)}")
    if array.dtype.kind == "f":
        if not np.all(np.isfinite(array)) or not np.all(array == np.round(array)):
            raise ValueError(f"{name} must be integer class labels; it holds non-integer or non-finite values")
    elif array.dtype.kind not in "iub":
        raise TypeError(f"{name} must be integer class labels, got dtype {array.dtype}")
    return np.ascontiguousarray(array.astype(np.int64))


def save_for_cli(value: Union[ArrayLike, PathLike], path: Path, name: str, *, labels: bool = False) -> str:
    """Save ``value`` to ``path`` (.npy) for the CLI and return the file name to pass.

    A ``str`` or ``os.PathLike`` is taken as an existing data file (any format the CLI reads,
    including ``FILE.safetensors:NAME``) and passed through unchanged.
    """
    if isinstance(value, (str, os.PathLike)):
        return os.fspath(value)
    array = cli_labels(value, name) if labels else cli_array(value, name)
    np.save(path, array, allow_pickle=False)
    return str(path)
