#!/usr/bin/env python3
"""Damaged data files through `infoplane inspect` and `infoplane estimate`.

Generates valid base files of every reader format (.npy in several dtypes, orders and ranks, plain and .gz; .csv with
and without header, plain and .gz; IDX images/labels/int32/float64, plain and .gz; .safetensors with several tensors,
plain and .gz), then --files damaged variants in equal parts:

  trunc   the file cut at a random byte,
  flip    1-8 random bit flips anywhere (for .gz bases: half in the compressed bytes, half in the inflated bytes,
          recompressed, so the readers behind the gzip layer are exercised too),
  header  1-16 random bytes written into the first 128 bytes (same .gz split),

plus structured cases (header-length field huge, huge shape extents, zero-length files, invalid type codes, ...) and
gzip bombs (a .gz whose inflated header declares a tiny array but which inflates to 1 GiB), one per format.

Every file goes through `infoplane inspect FILE` and `infoplane estimate FILE GOOD.npy --quiet` (GOOD: a valid file
with the base file's row count; FILE.safetensors:NAME for safetensors); base and structured files (and with
--inspect-json the random ones too) also through `infoplane inspect FILE --json`. The contract: exit 0 or exit 2 with a message
naming the file; never a trap/signal, another exit code, a timeout, or nan/inf printed with exit 0.
The gzip bombs run one at a time under /usr/bin/time -v (else getrusage) and their peak RSS is reported.

Exit status 0 if nothing broke the contract, 1 otherwise.
"""

import argparse
import collections
import concurrent.futures
import gzip
import io
import json
import os
import random
import shutil
import struct
import sys
import threading
import time
import zlib

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

GIB = 1 << 30


# ----------------------------------------------------------------------------------------------------------- bases


def npy_bytes(array, version=None):
    buf = io.BytesIO()
    if version is None:
        np.save(buf, array, allow_pickle=False)
    else:
        np.lib.format.write_array(buf, array, version=version, allow_pickle=False)
    return buf.getvalue()


def idx_bytes(array):
    codes = {np.uint8: 0x08, np.int8: 0x09, np.int16: 0x0B, np.int32: 0x0C, np.float32: 0x0D, np.float64: 0x0E}
    code = codes[array.dtype.type]
    out = bytes([0, 0, code, array.ndim]) + b"".join(struct.pack(">I", d) for d in array.shape)
    return out + array.astype(array.dtype.newbyteorder(">")).tobytes()


def csv_bytes(array, header):
    lines = []
    if header:
        lines.append(",".join(f"c{i}" for i in range(array.shape[1])))
    for row in array:
        lines.append(",".join(repr(float(v)) for v in row))
    return ("\n".join(lines) + "\n").encode()


def safetensors_bytes(tensors, metadata=None):
    from safetensors.numpy import save
    return save(tensors, metadata=metadata)


def gz(data, level=6):
    return gzip.compress(data, compresslevel=level, mtime=0)


class Base:
    """A valid base file: its name, bytes, format, row count, safetensors tensor names, and inner bytes for .gz."""

    def __init__(self, name, data, fmt, rows, tensors=(), inner=None):
        self.name, self.data, self.fmt, self.rows, self.tensors, self.inner = name, data, fmt, rows, tensors, inner

    @property
    def gz(self):
        return self.inner is not None


def make_bases(rng):
    bases = []
    n1, n2 = 48, 100

    def add_npy(tag, array, rows, version=None, with_gz=True):
        data = npy_bytes(array, version)
        bases.append(Base(f"{tag}.npy", data, "npy", rows))
        if with_gz:
            bases.append(Base(f"{tag}.npy.gz", gz(data), "npy", rows, inner=data))

    r = np.random.default_rng(rng.randrange(1 << 30))
    add_npy("npy-f32-2d-c", r.standard_normal((n1, 3)).astype(np.float32), n1)
    add_npy("npy-f64-2d-c", r.standard_normal((n2, 4)), n2)
    add_npy("npy-f64-2d-fortran", np.asfortranarray(r.standard_normal((n1, 3))), n1)
    add_npy("npy-f32-4d-c", r.standard_normal((n1, 2, 3, 3)).astype(np.float32), n1)
    add_npy("npy-f32-4d-fortran", np.asfortranarray(r.standard_normal((n1, 2, 3, 3)).astype(np.float32)), n1)
    add_npy("npy-f64-1d", r.standard_normal(n2), n2)
    add_npy("npy-i64-2d-c", r.integers(-1000, 1000, (n1, 3)).astype(np.int64), n1)
    add_npy("npy-i64-1d", r.integers(0, 10, n2).astype(np.int64), n2)
    add_npy("npy-u8-2d-c", r.integers(0, 256, (n1, 5)).astype(np.uint8), n1)
    add_npy("npy-u8-2d-fortran", np.asfortranarray(r.integers(0, 256, (n1, 5)).astype(np.uint8)), n1)
    add_npy("npy-u8-4d-c", r.integers(0, 256, (n1, 1, 4, 4)).astype(np.uint8), n1)
    add_npy("npy-f32-2d-v2", r.standard_normal((n1, 3)).astype(np.float32), n1, version=(2, 0), with_gz=False)

    for tag, header, cols, rows in [("csv-header-3col", True, 3, n1), ("csv-noheader-4col", False, 4, n2),
                                    ("csv-header-1col", True, 1, n1), ("csv-noheader-6col", False, 6, n1)]:
        data = csv_bytes(r.standard_normal((rows, cols)) * 10.0 ** r.integers(-3, 4), header)
        bases.append(Base(f"{tag}.csv", data, "csv", rows))
        if tag in ("csv-header-3col", "csv-noheader-4col"):
            bases.append(Base(f"{tag}.csv.gz", gz(data), "csv", rows, inner=data))

    for tag, array in [("images-idx3-ubyte", r.integers(0, 256, (n1, 6, 6)).astype(np.uint8)),
                       ("labels-idx1-ubyte", r.integers(0, 10, n1).astype(np.uint8)),
                       ("int32-idx2-int", r.integers(-(1 << 20), 1 << 20, (n1, 3)).astype(np.int32)),
                       ("float64-idx2-double", r.standard_normal((n1, 4))),
                       ("float32-idx3-float", r.standard_normal((n1, 2, 2)).astype(np.float32))]:
        data = idx_bytes(array)
        bases.append(Base(tag, data, "idx", n1))
        bases.append(Base(tag + ".gz", gz(data), "idx", n1, inner=data))

    tensors = {"alpha": r.standard_normal((n1, 3)).astype(np.float32),
               "beta": r.standard_normal((n1,)).astype(np.float64),
               "gamma": r.integers(-50, 50, (n1, 2, 2)).astype(np.int64)}
    data = safetensors_bytes(tensors, {"note": "base"})
    bases.append(Base("st-3tensors.safetensors", data, "safetensors", n1, tensors=sorted(tensors)))
    bases.append(Base("st-3tensors.safetensors.gz", gz(data), "safetensors", n1, tensors=sorted(tensors), inner=data))
    tensors2 = {"w": r.standard_normal((n2, 5)).astype(np.float64), "idx": np.arange(n2, dtype=np.int64),
                "h": r.standard_normal((n2, 2, 2, 2)).astype(np.float32)}
    data = safetensors_bytes(tensors2)
    bases.append(Base("st-f64-i64-f32.safetensors", data, "safetensors", n2, tensors=sorted(tensors2)))
    return bases


# ------------------------------------------------------------------------------------------------------ damages


def flip_bits(data, rng):
    b = bytearray(data)
    if not b:
        return bytes(b)
    for _ in range(rng.randint(1, 8)):
        i = rng.randrange(len(b))
        b[i] ^= 1 << rng.randrange(8)
    return bytes(b)


def corrupt_header(data, rng):
    b = bytearray(data)
    if not b:
        return bytes(b)
    span = min(128, len(b))
    for _ in range(rng.randint(1, 16)):
        b[rng.randrange(span)] = rng.randrange(256)
    return bytes(b)


def damage(base, family, rng):
    """Damaged bytes of `base` and a sub-label."""
    if family == "trunc":
        cut = rng.randrange(len(base.data))
        return base.data[:cut], f"cut at {cut}/{len(base.data)}"
    fn = flip_bits if family == "flip" else corrupt_header
    if base.gz and rng.random() < 0.5:
        return gz(fn(base.inner, rng)), "inner"
    return fn(base.data, rng), "raw"


def structured_cases(bases, rng):
    """(label, file name, bytes, rows, tensor names) of hand-made damaged files."""
    cases = []
    r = np.random.default_rng(rng.randrange(1 << 30))
    ok = r.standard_normal((48, 3)).astype(np.float32)
    good = npy_bytes(ok)

    def npy_with_header(header_dict_text, payload, version=1, length=None):
        text = header_dict_text.encode("latin1")
        if version == 1:
            pad = (64 - (10 + len(text) + 1) % 64) % 64
            text = text + b" " * pad + b"\n"
            hl = len(text) if length is None else length
            return b"\x93NUMPY\x01\x00" + struct.pack("<H", hl) + text + payload
        pad = (64 - (12 + len(text) + 1) % 64) % 64
        text = text + b" " * pad + b"\n"
        hl = len(text) if length is None else length
        return b"\x93NUMPY\x02\x00" + struct.pack("<I", hl) + text + payload

    payload = ok.tobytes()
    hdr = "{'descr': '<f4', 'fortran_order': False, 'shape': (48, 3), }"
    cases += [
        ("npy-headerlen-ffff", "s-headerlen-ffff.npy", npy_with_header(hdr, payload, 1, 0xFFFF), 48),
        ("npy-headerlen-0", "s-headerlen-0.npy", npy_with_header(hdr, payload, 1, 0), 48),
        ("npy-v2-headerlen-ffffffff", "s-v2-headerlen-huge.npy", npy_with_header(hdr, payload, 2, 0xFFFFFFFF), 48),
        ("npy-v2-headerlen-7fffffff", "s-v2-headerlen-7fff.npy", npy_with_header(hdr, payload, 2, 0x7FFFFFFF), 48),
    ]
    for tag, shape in [("int64max", "(9223372036854775807,)"), ("2x2^62", "(4611686018427387904, 4)"),
                       ("overflow-product", "(4294967296, 4294967296, 3)"), ("negative", "(-1, 3)"),
                       ("huge-ok-product", "(100000000000, 3)"), ("zero-rows", "(0, 3)"),
                       ("bigint", "(99999999999999999999999999999, 3)"), ("many-dims", "(" + "2, " * 70 + ")"),
                       ("float-dim", "(48.0, 3)"), ("nested", "((48,), 3)")]:
        h = "{'descr': '<f4', 'fortran_order': False, 'shape': %s, }" % shape
        cases.append((f"npy-shape-{tag}", f"s-shape-{tag}.npy", npy_with_header(h, payload), 48))
        cases.append((f"npy.gz-shape-{tag}", f"s-shape-{tag}.npy.gz", gz(npy_with_header(h, payload)), 48))
    for tag, descr in [("complex", "<c16"), ("object", "|O"), ("bigendian", ">f8"), ("str", "<U3"),
                       ("void", "|V12"), ("bad", "xyz"), ("f2", "<f2"), ("u64", "<u8")]:
        h = "{'descr': '%s', 'fortran_order': False, 'shape': (48, 3), }" % descr
        cases.append((f"npy-descr-{tag}", f"s-descr-{tag}.npy", npy_with_header(h, payload), 48))
    cases += [
        ("npy-header-not-dict", "s-header-notdict.npy", npy_with_header("[1, 2, 3]", payload), 48),
        ("npy-header-unterminated", "s-header-unterm.npy", npy_with_header("{'descr': '<f4', 'shape': (48, 3", payload), 48),
        ("npy-header-missing-keys", "s-header-nokeys.npy", npy_with_header("{}", payload), 48),
        ("npy-version-9", "s-version-9.npy", b"\x93NUMPY\x09\x00" + good[8:], 48),
        ("npy-trailing-bytes", "s-trailing.npy", good + b"\x00" * 7, 48),
        ("npy-magic-only", "s-magic-only.npy", b"\x93NUMPY", 48),
        # Finite values whose sum overflows (a flipped exponent bit makes such values): statistics must stay finite.
        ("npy-f64-near-max", "s-near-max.npy", npy_bytes(np.full((48, 2), 1.7e308) * np.sign(r.standard_normal((48, 2))).clip(0, 1)
                                                          + 1.0), 48),
        ("npy-f64-all-max", "s-all-max.npy", npy_bytes(np.full((48, 3), np.finfo(np.float64).max)), 48),
        ("csv-near-max", "s-near-max.csv", b"".join(b"1.7e308,-1.7e308,%d\n" % i for i in range(48)), 48),
    ]
    # IDX
    labels = r.integers(0, 10, 48).astype(np.uint8)
    images = r.integers(0, 256, (48, 6, 6)).astype(np.uint8)
    cases += [
        ("idx-dims-ffffffff", "s-dims-huge-idx3-ubyte", bytes([0, 0, 8, 3]) + struct.pack(">III", 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF) + images.tobytes(), 48),
        ("idx-dims-product-overflow-int", "s-dims-ovf-idx3-int", bytes([0, 0, 0x0C, 3]) + struct.pack(">III", 0xFFFFFFFF, 0xFFFFFFFF, 0x7FFFFFFF) + images.tobytes(), 48),
        ("idx-rank-255", "s-rank255-idx9-ubyte", bytes([0, 0, 8, 255]) + b"\x00\x00\x00\x02" * 20, 48),
        ("idx-rank-0", "s-rank0-idx0-ubyte", bytes([0, 0, 8, 0]) + b"\x05", 48),
        ("idx-type-07", "s-type07-idx1-ubyte", bytes([0, 0, 7, 1]) + struct.pack(">I", 48) + labels.tobytes(), 48),
        ("idx-type-ff", "s-typeff-idx1-ubyte", bytes([0, 0, 0xFF, 1]) + struct.pack(">I", 48) + labels.tobytes(), 48),
        ("idx-zero-dim", "s-zerodim-idx3-ubyte", bytes([0, 0, 8, 3]) + struct.pack(">III", 0, 6, 6), 48),
        ("idx-dims-huge.gz", "s-dims-huge-idx3-ubyte.gz", gz(bytes([0, 0, 8, 3]) + struct.pack(">III", 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF) + images.tobytes()), 48),
        ("idx-header-only", "s-header-only-idx1-ubyte", bytes([0, 0, 8, 1]), 48),
    ]
    # safetensors
    def st(header_obj, data, length=None):
        h = json.dumps(header_obj).encode()
        return struct.pack("<Q", len(h) if length is None else length) + h + data
    a = ok.tobytes()
    good_header = {"alpha": {"dtype": "F32", "shape": [48, 3], "data_offsets": [0, len(a)]}}
    cases += [
        ("st-headerlen-2^63-1", "s-hl-int64max.safetensors", st(good_header, a, (1 << 63) - 1), 48),
        ("st-headerlen-2^64-1", "s-hl-uint64max.safetensors", st(good_header, a, (1 << 64) - 1), 48),
        ("st-headerlen-past-end", "s-hl-pastend.safetensors", st(good_header, a, 10_000_000), 48),
        ("st-headerlen-0", "s-hl-0.safetensors", st(good_header, a, 0), 48),
        ("st-shape-2^62", "s-shape-huge.safetensors", st({"alpha": {"dtype": "F32", "shape": [1 << 62, 4], "data_offsets": [0, len(a)]}}, a), 48),
        ("st-shape-product-overflow", "s-shape-ovf.safetensors", st({"alpha": {"dtype": "F64", "shape": [1 << 40, 1 << 40, 1 << 40], "data_offsets": [0, len(a)]}}, a), 48),
        ("st-shape-negative", "s-shape-neg.safetensors", st({"alpha": {"dtype": "F32", "shape": [-48, -3], "data_offsets": [0, len(a)]}}, a), 48),
        ("st-offsets-reversed", "s-off-rev.safetensors", st({"alpha": {"dtype": "F32", "shape": [48, 3], "data_offsets": [len(a), 0]}}, a), 48),
        ("st-offsets-huge", "s-off-huge.safetensors", st({"alpha": {"dtype": "F32", "shape": [48, 3], "data_offsets": [0, (1 << 63) + 5]}}, a), 48),
        ("st-offsets-float", "s-off-float.safetensors", st({"alpha": {"dtype": "F32", "shape": [48, 3], "data_offsets": [0.5, 576.0]}}, a), 48),
        ("st-offsets-overlap", "s-off-overlap.safetensors", st({"alpha": {"dtype": "F32", "shape": [48, 3], "data_offsets": [0, len(a)]}, "beta": {"dtype": "F32", "shape": [48, 3], "data_offsets": [0, len(a)]}}, a), 48),
        ("st-dtype-unknown", "s-dtype-bad.safetensors", st({"alpha": {"dtype": "Q7", "shape": [48, 3], "data_offsets": [0, len(a)]}}, a), 48),
        ("st-header-array", "s-hdr-array.safetensors", st([1, 2, 3], a), 48),
        ("st-header-deep-nesting", "s-hdr-deep.safetensors", struct.pack("<Q", 20000) + b"[" * 10000 + b"]" * 10000, 48),
        ("st-metadata-not-strings", "s-meta-bad.safetensors", st({"__metadata__": {"x": [1, 2]}, **good_header}, a), 48),
        ("st-header-not-utf8", "s-hdr-latin1.safetensors", struct.pack("<Q", 12) + b"{\"\xff\xfe\": 1}  " + a, 48),
    ]
    h = b'{"alpha":{"dtype":"F32","shape":[99999999999999999999999999,3],"data_offsets":[0,576]}}'
    cases.append(("st-shape-dim-bigint", "s-shape-bigint.safetensors", struct.pack("<Q", len(h)) + h + a, 48))
    # CSV
    cases += [
        ("csv-nul-in-cell", "s-nul-cell.csv", b"a,b\n1\x002,3\n4,5\n" * 1, 3),
        ("csv-ragged", "s-ragged.csv", b"1,2,3\n4,5\n6,7,8,9\n", 3),
        ("csv-header-only", "s-header-only.csv", b"a,b,c\n", 1),
        ("csv-huge-number", "s-huge-number.csv", b"1e999,2\n3,4\n" * 10, 20),
        ("csv-nan-text", "s-nan-text.csv", b"nan,2\ninf,4\n-inf,5\n" * 10, 30),
        ("csv-long-line", "s-long-line.csv", b"1," * 500000 + b"1\n", 1),
        ("csv-binary", "s-binary.csv", bytes(r.integers(0, 256, 4096, dtype=np.uint8)), 48),
        ("csv-crlf-bom", "s-crlf-bom.csv", b"\xef\xbb\xbfa,b\r\n1,2\r\n3,4\r\n", 2),
        ("csv-quoted", "s-quoted.csv", b'"a","b"\n"1","2"\n"3","4"\n', 2),
    ]
    # Zero-length files of every extension.
    for ext in [".npy", ".npy.gz", ".csv", ".csv.gz", ".safetensors", ".safetensors.gz", "-idx3-ubyte",
                "-idx1-ubyte.gz"]:
        cases.append((f"zero-length{ext}", f"s-empty{ext}", b"", 48))
    # gzip oddities
    cases += [
        ("gz-two-members", "s-two-members.npy.gz", gz(good) + gz(good), 48),
        ("gz-trailing-garbage", "s-trailing-garbage.npy.gz", gz(good) + b"garbage!", 48),
        ("gz-not-gzip", "s-not-gzip.npy.gz", good, 48),
        ("gz-signature-only", "s-sig-only.npy.gz", b"\x1f\x8b", 48),
        ("gz-bad-crc", "s-bad-crc.npy.gz", gz(good)[:-8] + b"\x00\x00\x00\x00" + gz(good)[-4:], 48),
    ]
    return [(label, name, data, rows, ()) for (label, name, data, rows) in cases]


# ------------------------------------------------------------------------------------------------------- bombs


def gzip_stream(path, head, filler_byte, total, tail=b""):
    """Writes a .gz of `head` followed by `filler_byte` up to `total` inflated bytes, then `tail`."""
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = filler_byte * (1 << 20)
    with open(path, "wb") as f:
        f.write(comp.compress(head))
        remaining = total - len(head) - len(tail)
        while remaining > 0:
            piece = chunk if remaining >= len(chunk) else chunk[:remaining]
            f.write(comp.compress(piece))
            remaining -= len(piece)
        f.write(comp.compress(tail))
        f.write(comp.flush())


def make_bombs(directory, with_reference=False):
    """(label, path, rows, tensor names, what is declared) of 1 GiB gzip bombs, cached between runs."""
    os.makedirs(directory, exist_ok=True)
    small = npy_bytes(np.arange(4, dtype=np.float32))
    # A header that declares 2^27 float64 = 1 GiB: build it properly.
    h = "{'descr': '<f8', 'fortran_order': False, 'shape': (134217728,), }"
    h = h + " " * ((64 - (10 + len(h) + 1) % 64) % 64) + "\n"
    huge_header = b"\x93NUMPY\x01\x00" + struct.pack("<H", len(h)) + h.encode()
    st_small = safetensors_bytes({"alpha": np.arange(4, dtype=np.float32)})
    specs = [
        ("bomb npy.gz (declares [4] float32)", "bomb-npy-tiny.npy.gz", small, b"\x00", 4, (), "declared 144 B"),
        ("reference npy.gz: a real 1 GiB array (not a bomb)", "ref-npy-real-1gib.npy.gz", huge_header, b"\x00", 1 << 27,
         (), "reference"),
        ("bomb IDX .gz (declares [4] ubyte)", "bomb-labels-idx1-ubyte.gz", bytes([0, 0, 8, 1]) + struct.pack(">I", 4) + b"\x01\x02\x03\x04",
         b"\x00", 4, (), "declared 12 B"),
        ("bomb IDX .gz (declares [4,6,6] ubyte)", "bomb-images-idx3-ubyte.gz", bytes([0, 0, 8, 3]) + struct.pack(">III", 4, 6, 6) + bytes(144),
         b"\x00", 4, (), "declared 160 B"),
        ("bomb csv.gz (2 rows, then 1 GiB of newlines)", "bomb-newlines.csv.gz", b"1,2\n3,4\n", b"\n", 2, (), "CSV: none"),
        ("bomb csv.gz (2 rows, then 1 GiB of NUL)", "bomb-nul.csv.gz", b"1,2\n3,4\n", b"\x00", 2, (), "CSV: none"),
        ("bomb safetensors.gz (4 floats, then 1 GiB of zeros)", "bomb-st.safetensors.gz", st_small, b"\x00", 4, ("alpha",),
         "header covers 16 B of data"),
    ]
    out = []
    for label, name, head, filler, rows, tensors, declared in specs:
        if declared == "reference" and not with_reference:
            continue
        path = os.path.join(directory, name)
        if not os.path.exists(path):
            tmp = path + ".partial"
            gzip_stream(tmp, head, filler, GIB + (len(head) if declared == "reference" else 0))
            os.replace(tmp, path)
        out.append((label, path, rows, tensors, declared))
    return out


# ------------------------------------------------------------------------------------------------------- running


def commands(binary, path, tensors, good, rng, json_too=False):
    cmds = [("inspect", [binary, "inspect", path])]
    if json_too:
        cmds.append(("inspect --json", [binary, "inspect", path, "--json"]))
    x = path
    if tensors:
        x = f"{path}:{tensors[rng.randrange(len(tensors))]}"
    cmds.append(("estimate", [binary, "estimate", x, good, "--quiet"]))
    return cmds


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--files", "--count", dest="files", type=int, default=24500,
                    help="damaged variants (split equally among trunc, flip, header; default 24500)")
    ap.add_argument("--jobs", type=int, default=2, help="parallel processes (default 2)")
    ap.add_argument("--seed", type=int, default=1, help="seed of every random choice (default 1)")
    ap.add_argument("--timeout", type=float, default=60, help="seconds per process (default 60)")
    ap.add_argument("--bin", default=common.DEFAULT_BIN, help=f"infoplane binary (default {common.DEFAULT_BIN})")
    ap.add_argument("--workdir", default="/tmp/hardening-work/damaged", help="where files are written")
    ap.add_argument("--max-minutes", type=float, default=0,
                    help="stop starting new random files after this many minutes (0: no limit); reports the rate")
    ap.add_argument("--examples", type=int, default=5, help="examples shown per failure category (default 5)")
    ap.add_argument("--no-structured", action="store_true", help="skip the structured cases")
    ap.add_argument("--no-bombs", action="store_true", help="skip the gzip bombs")
    ap.add_argument("--with-reference", action="store_true",
                    help="also measure a real 1 GiB .npy.gz (not a bomb; not counted) for comparison")
    ap.add_argument("--rss-limit-mb", type=float, default=100, help="gzip-bomb peak RSS target (default 100 MB)")
    ap.add_argument("--inspect-json", action="store_true",
                    help="also run `inspect FILE --json` on the random files (always done for base and structured)")
    ap.add_argument("--keep-all", action="store_true", help="keep every damaged file (default: only the failing)")
    args = ap.parse_args()

    binary = os.path.abspath(args.bin)
    if not os.access(binary, os.X_OK):
        sys.exit(f"no executable infoplane at {binary}")
    rng = random.Random(args.seed)
    t_start = time.monotonic()
    work = os.path.abspath(args.workdir)
    files_dir = os.path.join(work, f"seed{args.seed}")
    shutil.rmtree(files_dir, ignore_errors=True)
    os.makedirs(os.path.join(files_dir, "base"))
    os.makedirs(os.path.join(files_dir, "damaged"))

    bases = make_bases(rng)
    goods = {}
    for base in bases:
        with open(os.path.join(files_dir, "base", base.name), "wb") as f:
            f.write(base.data)
        if base.rows not in goods:
            path = os.path.join(files_dir, "base", f"GOOD-{base.rows}.npy")
            np.save(path, np.random.default_rng(base.rows).standard_normal((base.rows, 2)))
            goods[base.rows] = path
    for extra_rows in (1, 2, 3, 20, 30):
        path = os.path.join(files_dir, "base", f"GOOD-{extra_rows}.npy")
        np.save(path, np.random.default_rng(extra_rows).standard_normal((extra_rows, 2)))
        goods[extra_rows] = path

    # Jobs: (group, label, path, tensors, rows, keep-on-failure)
    jobs = []
    for base in bases:
        jobs.append(("base", f"base {base.name}", os.path.join(files_dir, "base", base.name), base.tensors, base.rows))
    if not args.no_structured:
        for label, name, data, rows, tensors in structured_cases(bases, rng):
            path = os.path.join(files_dir, "damaged", name)
            with open(path, "wb") as f:
                f.write(data)
            jobs.append(("structured", f"structured {label}", path, tensors, rows))
    families = ["trunc", "flip", "header"]
    random_jobs = []
    for i in range(args.files):
        family = families[i % 3]
        base = bases[rng.randrange(len(bases))]
        data, sub = damage(base, family, rng)
        stem = base.name
        # keep the extension / IDX-style name so the reader is chosen by name
        name = f"d{i:06d}-{family}-{stem}"
        random_jobs.append((family, f"{family} of {base.name} ({sub})", os.path.join(files_dir, "damaged", name),
                            base.tensors, base.rows, data))

    detail = {}                              # group base/structured: label -> [(cmd, Result)]
    stats = collections.Counter()            # category -> count (over all runs)
    by_group = collections.defaultdict(collections.Counter)  # group -> category -> count
    examples = collections.defaultdict(list)  # failure category -> [(label, Result)]
    unnamed_templates = collections.Counter()
    lock = threading.Lock()
    failing_paths = set()
    processed = collections.Counter()

    def do(job, data=None):
        group, label, path, tensors, rows = job[:5]
        if data is not None:
            with open(path, "wb") as f:
                f.write(data)
        local_rng = random.Random(f"{args.seed}:{path}")
        good = goods.get(rows) or goods[48]
        out = []
        json_too = args.inspect_json or group in ("base", "structured")
        for cmd_name, cmd in commands(binary, path, tensors, good, local_rng, json_too):
            res = common.run(cmd, timeout=args.timeout)
            cats = common.classify(res, names=(os.path.basename(path),))
            out.append((cmd_name, res, cats))
        bad = False
        with lock:
            processed[group] += 1
            if group in ("base", "structured"):
                detail[label] = [(cmd_name, res) for cmd_name, res, _ in out]
            for cmd_name, res, cats in out:
                for c in cats:
                    stats[f"{cmd_name}: {c}"] += 1
                    by_group[group][f"{cmd_name}: {c}"] += 1
                    if common.is_failure(c):
                        bad = True
                        key = f"{cmd_name}: {c}"
                        if c == "exit 2 message does not name the file":
                            unnamed_templates[f"{cmd_name}: {common.template(res.first_line())}"] += 1
                        if len(examples[key]) < args.examples:
                            examples[key].append((label, res))
            if bad:
                failing_paths.add(path)
        if not bad and data is not None and not args.keep_all:
            try:
                os.unlink(path)
            except OSError:
                pass

    print(f"infoplane: {binary}", flush=True)
    print(f"{len(bases)} base files, {sum(1 for j in jobs if j[0] == 'structured')} structured cases, "
          f"{args.files} random damaged files, {args.jobs} workers, timeout {args.timeout:g} s, seed {args.seed}",
          flush=True)
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        list(pool.map(do, jobs))
    t_fixed = time.monotonic()
    print(f"base + structured: {time.monotonic() - t_start:.1f} s", flush=True)

    deadline = t_fixed + args.max_minutes * 60 if args.max_minutes > 0 else None
    done_random = 0
    t_random = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        pending = set()
        it = iter(random_jobs)
        stopped_early = False
        while True:
            while len(pending) < args.jobs * 4:
                if deadline and time.monotonic() > deadline:
                    stopped_early = True
                    break
                job = next(it, None)
                if job is None:
                    break
                pending.add(pool.submit(do, job[:5], job[5]))
            if not pending:
                break
            finished, pending = concurrent.futures.wait(pending, return_when=concurrent.futures.FIRST_COMPLETED)
            for fut in finished:
                fut.result()
                done_random += 1
                if done_random % 1000 == 0:
                    el = time.monotonic() - t_random
                    print(f"  {done_random}/{args.files} random files, {el:.0f} s, {done_random / el:.1f} files/s",
                          flush=True)
            if stopped_early and not pending:
                break
    random_seconds = time.monotonic() - t_random

    # gzip bombs, one at a time, with peak RSS.
    bomb_rows = []
    if not args.no_bombs:
        t_b = time.monotonic()
        res_skip_reference = not args.with_reference
        bombs = make_bombs(os.path.join(work, "bombs"), args.with_reference)
        print(f"gzip bombs ready ({time.monotonic() - t_b:.1f} s)", flush=True)
        for label, path, rows, tensors, declared in bombs:
            if declared == "reference" and res_skip_reference:
                continue
            good = goods.get(rows) or goods[48]
            for cmd_name, cmd in commands(binary, path, tensors, good, random.Random(path)):
                res, rss, how = common.run_measured(cmd, timeout=args.timeout)
                cats = common.classify(res, names=(os.path.basename(path),))
                over = rss is not None and rss / 1024 > args.rss_limit_mb
                if over and declared != "reference":
                    cats.append(f"peak RSS over {args.rss_limit_mb:g} MB")
                if declared == "reference":
                    bomb_rows.append((label, cmd_name, res, rss, how, declared))
                    continue
                for c in cats:
                    stats[f"{cmd_name}: {c}"] += 1
                    by_group["gzip bomb"][f"{cmd_name}: {c}"] += 1
                    if common.is_failure(c) and len(examples[f"{cmd_name}: {c}"]) < args.examples:
                        examples[f"{cmd_name}: {c}"].append((label, res))
                processed["gzip bomb"] += 1
                bomb_rows.append((label, cmd_name, res, rss, how, declared))

    total = time.monotonic() - t_start
    # ------------------------------------------------------------------------------------------------ report
    print("\n" + "=" * 80)
    print(f"damaged_files.py  seed {args.seed}  jobs {args.jobs}  wall {total:.1f} s")
    print(f"random damaged files run: {done_random} of {args.files}"
          + (f"  (stopped after --max-minutes {args.max_minutes:g})" if done_random < args.files else ""))
    if done_random:
        rate = done_random / random_seconds
        print(f"rate: {rate:.2f} files/s ({2 * rate:.2f} processes/s) at {args.jobs} workers; "
              f"the full {args.files} take ≈ {args.files / rate / 60:.1f} min")
    for group in ["base", "structured", "trunc", "flip", "header", "gzip bomb"]:
        if by_group.get(group):
            common.print_table(f"{group}  ({processed[group]} files)", by_group[group])
    common.print_table("ALL (category -> count)", stats)

    if bomb_rows:
        print("\ngzip bombs (each alone; peak RSS by " + bomb_rows[0][4] + f", target ≤ {args.rss_limit_mb:g} MB)")
        print(f"  {'bomb':<50} {'cmd':<9} {'status':<10} {'peak RSS':>10} {'wall':>7}  message")
        for label, cmd_name, res, rss, how, declared in bomb_rows:
            rss_txt = f"{rss / 1024:.1f} MB" if rss is not None else "?"
            print(f"  {label:<50} {cmd_name:<9} {res.status_text():<10} {rss_txt:>10} {res.seconds:6.2f}s  "
                  f"{res.first_line()[:150]}")

    for group in ("base", "structured"):
        rows = [(label, runs) for label, runs in sorted(detail.items()) if label.startswith(group)]
        if not rows:
            continue
        names = " | ".join(name for name, _ in rows[0][1])
        print(f"\n{group} files, one line each: status of {names} | first error line")
        for label, runs in rows:
            if group == "base" and all(r.rc == 0 for _, r in runs):
                continue
            st = " | ".join(r.status_text() for _, r in runs)
            msg = next((r.first_line() for _, r in runs if r.rc != 0), "")
            print(f"  {label[len(group) + 1:]:<38} {st:<27} {msg[:140]}")
        if group == "base":
            print("  (base files with exit 0 for both commands not listed)")

    if unnamed_templates:
        print("\nexit-2 messages that do not name the file, grouped by template:")
        for t, c in unnamed_templates.most_common(30):
            print(f"  {c:>6}  {t}")

    failures = {k: v for k, v in examples.items()}
    if failures:
        print("\nEXAMPLES (first per category; files are kept under " + files_dir + ")")
        for key in sorted(failures):
            print(f"\n## {key}  ({stats[key]} in all)")
            for label, res in failures[key]:
                print(f"  [{label}] {res.status_text()}, {res.seconds:.2f} s")
                print(f"    $ {common.quote(res.cmd)}")
                line = res.first_line()
                if line:
                    print(f"    {'stdout' if res.rc == 0 else 'stderr'}: {line[:300]}")
                bad = common.nonfinite_in(res.stdout)
                if bad:
                    nf_lines = [ln for ln in res.stdout.splitlines() if common.nonfinite_in(ln)]
                    print(f"    stdout: {nf_lines[0][:300] if nf_lines else ''}")
    n_fail = sum(v for k, v in stats.items() if common.is_failure(k.split(": ", 1)[1]))
    print(f"\nfailures: {n_fail} (runs with a failure category); kept failing files: {len(failing_paths)}")
    print(f"wall time: {total:.1f} s")
    sys.exit(1 if n_fail else 0)


if __name__ == "__main__":
    main()
