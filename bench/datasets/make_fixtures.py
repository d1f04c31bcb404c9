#!/usr/bin/env python3
"""Writes the interoperability fixtures of Tests/DatasetsTests/Resources with NumPy, safetensors and gzip.

Run once (python3 bench/datasets/make_fixtures.py) and commit the output; the Swift tests recompute every value
from the formulas below (`values(dtype)`), so they check that files written by the Python libraries read exactly.
"""
import gzip
import os
import struct

import numpy as np
from safetensors.numpy import save_file

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "DatasetsTests", "Resources")

# Element i of the (3, 4) fixture of each dtype; mirrored in Tests/DatasetsTests/Fixtures.swift.
def values(dtype):
    i = np.arange(12)
    return {
        "float32": (i * 0.25 - 1.5).astype("<f4"),
        "float64": (i / 7 - 0.5).astype("<f8"),
        "int8": (i - 6).astype("i1"),
        "int16": (i * 1000 - 6000).astype("<i2"),
        "int32": (i * 100000 - 600000).astype("<i4"),
        "int64": (i * 10**12 - 6 * 10**12).astype("<i8"),
        "uint8": (i * 20).astype("u1"),
        "bool": (i % 3 == 0),
    }[dtype].reshape(3, 4)

DTYPES = ["float32", "float64", "int8", "int16", "int32", "int64", "uint8", "bool"]
IDX_CODES = {"uint8": 0x08, "int8": 0x09, "int16": 0x0B, "int32": 0x0C, "float32": 0x0D, "float64": 0x0E}

def write_idx(path, a, code, compress=False):
    data = bytes([0, 0, code, a.ndim]) + b"".join(struct.pack(">I", d) for d in a.shape)
    data += a.astype(a.dtype.newbyteorder(">")).tobytes()
    if compress:
        with gzip.open(path, "wb") as f:
            f.write(data)
    else:
        with open(path, "wb") as f:
            f.write(data)

def main():
    os.makedirs(OUT, exist_ok=True)
    for dtype in DTYPES:
        np.save(os.path.join(OUT, f"{dtype}.npy"), values(dtype))
    np.save(os.path.join(OUT, "float32-2x3x4.npy"), (np.arange(24) * 0.5).astype("<f4").reshape(2, 3, 4))
    np.save(os.path.join(OUT, "float64-vector.npy"), np.arange(5) / 3)
    np.save(os.path.join(OUT, "float64-scalar.npy"), np.float64(2.5))
    np.save(os.path.join(OUT, "float32-empty.npy"), np.zeros((0, 3), "<f4"))
    with open(os.path.join(OUT, "float64-v2.npy"), "wb") as f:
        np.lib.format.write_array(f, values("float64"), version=(2, 0))
    np.save(os.path.join(OUT, "fortran.npy"), np.asfortranarray(values("float32")))
    np.save(os.path.join(OUT, "bigendian.npy"), values("float64").astype(">f8"))

    save_file(
        {dtype: values(dtype) for dtype in DTYPES} | {"vector": np.arange(5, dtype="<f4")},
        os.path.join(OUT, "checkpoint.safetensors"),
        metadata={"epoch": "3", "note": "written by safetensors.numpy"},
    )

    for dtype, code in IDX_CODES.items():
        write_idx(os.path.join(OUT, f"{dtype}.idx"), values(dtype), code)
    write_idx(os.path.join(OUT, "uint8.idx.gz"), values("uint8"), 0x08, compress=True)

    np.savetxt(os.path.join(OUT, "with-header.csv"), values("float64"), delimiter=",", header="a,b,c,d", comments="")
    np.savetxt(os.path.join(OUT, "no-header.csv"), values("float64"), delimiter=",")

    # A tiny MNIST-style directory: 3 training and 2 test images of 2×3 pixels; pixel p of image n is 40n + p.
    mini = os.path.join(OUT, "mini-mnist")
    os.makedirs(mini, exist_ok=True)
    for prefix, n, compress in [("train", 3, True), ("t10k", 2, False)]:
        images = (np.arange(n)[:, None, None] * 40 + np.arange(6).reshape(2, 3)).astype("u1")
        labels = (np.arange(n) % 10).astype("u1")
        suffix = ".gz" if compress else ""
        write_idx(os.path.join(mini, f"{prefix}-images-idx3-ubyte{suffix}"), images, 0x08, compress)
        write_idx(os.path.join(mini, f"{prefix}-labels-idx1-ubyte{suffix}"), labels, 0x08, compress)

if __name__ == "__main__":
    main()
