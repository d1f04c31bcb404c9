"""Writes the small data files that run.sh feeds to the CLI (seeded; numpy only). Usage: python3 make_data.py DIR"""
import os
import sys

import numpy as np

d = sys.argv[1]
os.makedirs(f"{d}/acts", exist_ok=True)
os.makedirs(f"{d}/npyds", exist_ok=True)
r = np.random.default_rng(0)
x = r.normal(size=(2000, 3))
y = x[:, :2] + 0.5 * r.normal(size=(2000, 2))
np.save(f"{d}/x.npy", x)
np.save(f"{d}/y.npy", y)
np.save(f"{d}/short.npy", y[:10])
np.savetxt(f"{d}/x.csv", x[:50], delimiter=",")
lab = r.integers(0, 4, 2000)
np.save(f"{d}/x1.npy", lab[:, None] + r.normal(size=(2000, 2)))
np.save(f"{d}/lab.npy", lab)
xt = np.round(r.normal(size=(1500, 2)), 1)
np.save(f"{d}/xt.npy", xt)
np.save(f"{d}/yt.npy", np.round(xt + r.normal(size=(1500, 2)), 1))
r = np.random.default_rng(1)
n = 600
lab = r.integers(0, 3, n)
xa = r.normal(size=(n, 6)) + lab[:, None]
np.save(f"{d}/acts/inputs.npy", xa.astype(np.float32))
np.save(f"{d}/acts/labels.npy", lab)
for e in (1, 2):
    os.makedirs(f"{d}/acts/epoch-{e:04d}", exist_ok=True)
    np.save(f"{d}/acts/epoch-{e:04d}/dense1.npy", np.tanh(xa @ r.normal(size=(6, 8))).astype(np.float32))
    np.save(f"{d}/acts/epoch-{e:04d}/out.npy", (xa[:, :3] * e + r.normal(size=(n, 3))).astype(np.float32))
r = np.random.default_rng(3)
for s, n in (("train", 300), ("test", 100)):
    np.save(f"{d}/npyds/{s}_images.npy", r.integers(0, 256, (n, 28, 28)).astype(np.uint8))
    np.save(f"{d}/npyds/{s}_labels.npy", r.integers(0, 10, n).astype(np.uint8))
