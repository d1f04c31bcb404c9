#!/usr/bin/env python3
"""KSG mutual information with scipy's cKDTree, and scikit-learn's mutual_info_regression, on .npy files.

The reference for `Benchmarks/Sources/knn-bench` (README, "Performance: k-NN and KSG"). Two commands:

  knn_mi.py generate OUT_DIR       writes x_<n>_<d>.npy / y_<n>_<d>.npy: d pairs of correlated Gaussians, 1 nat in total,
                                   for n = 1e4, 1e5 and d = 1, 4, 8 (seeded)
  knn_mi.py ksg X Y [-k K] [--workers W] [--repeats R] [--sklearn]
                                   prints one JSON line: the scipy KSG value, its standard error, the median time,
                                   and with --sklearn also mutual_info_regression's value and time (1-D X and Y only)

KSG algorithm 1 (Kraskov et al. 2004, eq. 8), max-norm, exactly as InfoPlane's `KSG` defines it:
eps_i = distance to the k-th nearest *other* joint sample (query k+1 points, the first being the sample itself),
n_x(i) = #{j != i : |x_j - x_i|_inf < eps_i}, strictly inside. cKDTree's query_ball_point counts distances <= r, so
r = nextafter(eps, 0) makes it strict, and return_length counts the sample itself, hence the -1.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
from scipy.special import digamma
from scipy.spatial import cKDTree


def ksg_scipy(x, y, k=5, workers=-1):
    """KSG algorithm 1 with cKDTree; returns (mi, standard_error) in nats."""
    n = x.shape[0]
    z = np.hstack([x, y])
    eps = cKDTree(z).query(z, k=k + 1, p=np.inf, workers=workers)[0][:, k]
    r = np.nextafter(eps, 0)
    nx = cKDTree(x).query_ball_point(x, r, p=np.inf, return_length=True, workers=workers) - 1
    ny = cKDTree(y).query_ball_point(y, r, p=np.inf, return_length=True, workers=workers) - 1
    terms = digamma(nx + 1) + digamma(ny + 1)
    return digamma(k) + digamma(n) - terms.mean(), terms.std() / np.sqrt(n)


def timed(f, repeats):
    if repeats > 1:
        f()  # warm-up (skipped for single, long runs)
    times, value = [], None
    for _ in range(repeats):
        t = time.perf_counter()
        value = f()
        times.append(time.perf_counter() - t)
    return value, float(np.median(times))


def load(path):
    a = np.load(path) if path.endswith(".npy") else np.loadtxt(path, delimiter=",", ndmin=2)
    return a.reshape(a.shape[0], -1).astype(np.float64)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    g = sub.add_parser("generate")
    g.add_argument("out")
    g.add_argument("--mi", type=float, default=1.0)
    e = sub.add_parser("ksg")
    e.add_argument("x")
    e.add_argument("y")
    e.add_argument("-k", type=int, default=5)
    e.add_argument("--workers", type=int, default=-1)
    e.add_argument("--repeats", type=int, default=3)
    e.add_argument("--sklearn", action="store_true")
    a = parser.parse_args()

    if a.command == "generate":
        os.makedirs(a.out, exist_ok=True)
        rng = np.random.default_rng(2024)
        for n in (10_000, 100_000):
            for d in (1, 4, 8):
                rho = np.sqrt(1 - np.exp(-2 * a.mi / d))
                x = rng.standard_normal((n, d))
                y = rho * x + np.sqrt(1 - rho * rho) * rng.standard_normal((n, d))
                np.save(os.path.join(a.out, f"x_{n}_{d}.npy"), x)
                np.save(os.path.join(a.out, f"y_{n}_{d}.npy"), y)
        print(json.dumps({"generated": a.out, "mi_true": a.mi}))
        return

    x, y = load(a.x), load(a.y)
    (mi, se), seconds = timed(lambda: ksg_scipy(x, y, a.k, a.workers), a.repeats)
    out = {"x": a.x, "y": a.y, "n": x.shape[0], "dx": x.shape[1], "dy": y.shape[1], "k": a.k,
           "scipy_mi": float(mi), "scipy_standard_error": float(se), "scipy_seconds": seconds}
    if a.sklearn and x.shape[1] == 1 and y.shape[1] == 1:
        from sklearn.feature_selection import mutual_info_regression
        value, seconds = timed(
            lambda: mutual_info_regression(x, y[:, 0], n_neighbors=a.k, random_state=0, n_jobs=a.workers)[0],
            a.repeats)
        out["sklearn_mi"] = float(value)
        out["sklearn_seconds"] = seconds
    print(json.dumps(out))


if __name__ == "__main__":
    sys.exit(main())
