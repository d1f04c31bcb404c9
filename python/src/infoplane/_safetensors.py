"""Writing safetensors files, with the ``safetensors`` package or without it.

The format (https://github.com/huggingface/safetensors, "Format"): an 8-byte little-endian
unsigned header length N; N bytes of a UTF-8 JSON object mapping each tensor name to
``{"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}`` (offsets into the data that
follows the header), optionally padded with spaces; then the tensors' raw little-endian bytes,
packed without gaps. This module pads the header to a multiple of 8 bytes so every tensor is
8-byte aligned, as the reference implementation does.
"""

from __future__ import annotations

import json
import os
import struct
import tempfile
from pathlib import Path
from typing import Dict, Mapping, Optional

import numpy as np

__all__ = ["write_safetensors", "has_safetensors_package"]

_DTYPES = {
    "f8": "F64", "f4": "F32", "f2": "F16",
    "i8": "I64", "i4": "I32", "i2": "I16", "i1": "I8",
    "u8": "U64", "u4": "U32", "u2": "U16", "u1": "U8",
    "b1": "BOOL",
}


def has_safetensors_package() -> bool:
    """Whether the ``safetensors`` package can be imported."""
    try:
        import safetensors.numpy  # noqa: F401
    except ImportError:
        return False
    return True


def _write_builtin(tensors: Mapping[str, np.ndarray], handle) -> None:
    header: Dict[str, object] = {}
    offset = 0
    ordered = sorted(tensors.items())
    for name, array in ordered:
        code = f"{array.dtype.kind}{array.dtype.itemsize}"
        if code not in _DTYPES:
            raise TypeError(f"tensor {name!r} has dtype {array.dtype}, which safetensors cannot hold")
        header[name] = {"dtype": _DTYPES[code], "shape": list(array.shape), "data_offsets": [offset, offset + array.nbytes]}
        offset += array.nbytes
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    text += b" " * (-len(text) % 8)
    handle.write(struct.pack("<Q", len(text)))
    handle.write(text)
    for _, array in ordered:
        handle.write(np.ascontiguousarray(array, dtype=array.dtype.newbyteorder("<")).tobytes())


def write_safetensors(path: os.PathLike, tensors: Mapping[str, np.ndarray], *, use_package: Optional[bool] = None) -> None:
    """Write ``tensors`` (name → NumPy array) to the safetensors file ``path``, atomically.

    The file is written next to ``path`` under a temporary name and renamed into place, so a
    reader never sees half a file. ``use_package``: True to use the ``safetensors`` package,
    False for the built-in writer, None for the package when it is installed.
    """
    path = Path(path)
    if use_package is None:
        use_package = has_safetensors_package()
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        if use_package:
            os.close(descriptor)
            from safetensors.numpy import save_file

            save_file({name: np.ascontiguousarray(array) for name, array in tensors.items()}, temporary)
        else:
            with os.fdopen(descriptor, "wb") as handle:
                _write_builtin(tensors, handle)
        os.chmod(temporary, 0o644)  # mkstemp makes it 0600
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise
