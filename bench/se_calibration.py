#!/usr/bin/env python3
"""How honest are `infoplane estimate`'s standard errors? For each setting, draw R independent data sets with known
MI (numpy seeds 1000 … 1000+R−1), estimate with the release CLI, and compare the spread of the estimates across data
sets (sample standard deviation) with the mean standard error the tool reported. A ratio spread/SE near 1 means an
honest SE; above 1 it is too small, below 1 too large (conservative).

    swift build -c release && python3 bench/se_calibration.py [--repeats 30] [--n 10000]
"""
import argparse
import json
import os
import subprocess
import tempfile

import numpy as np

BINARY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".build", "release", "infoplane")

# (label, kind, dimension per side or classes, true-MI parameter, estimator)
SETTINGS = [
    ("Gaussian 1+1, I = 1", "gauss", 1, 1.0, "ksg"),
    ("Gaussian 2+2, I = 1", "gauss", 2, 1.0, "ksg"),
    ("Gaussian 2+2, I = 0", "gauss", 2, 0.0, "ksg"),
    ("Gaussian 4+4, I = 0", "gauss", 4, 0.0, "ksg"),
    ("Gaussian 1+1, I = 0.5", "gauss", 1, 0.5, "ksg2"),
    ("Gaussian 1+1, I = 1", "gauss", 1, 1.0, "entropy-sum"),
    ("Gaussian 2+2, I = 1", "gauss", 2, 1.0, "entropy-sum"),
    ("Gaussian 4+4, I = 1", "gauss", 4, 1.0, "entropy-sum"),
    ("uniform 2-D, Y = ⌊2·X₀⌋ (labels)", "labels", 2, None, "entropy-sum"),
    ("uniform 2-D, Y = ⌊4·X₀⌋ (labels)", "labels", 4, None, "entropy-sum"),
]
# The entropy-based rows are run with both --standard-error rules; KSG has only its per-sample error.
RULES = {"ksg": [None], "ksg2": [None], "entropy-sum": ["sum", "per-sample"]}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--n", type=int, default=10000)
    args = parser.parse_args()
    directory = tempfile.mkdtemp(prefix="infoplane-se-")
    x_path, y_path = os.path.join(directory, "x.npy"), os.path.join(directory, "y.npy")
    print("| data | estimator | `--standard-error` | true MI | mean error | spread across data sets | mean reported SE "
          "| spread / SE |")
    print("|---|---|---|---|---|---|---|---|")
    for label, kind, dim, mi, estimator in SETTINGS:
        values, errors = [], {rule: [] for rule in RULES[estimator]}
        for r in range(args.repeats):
            rng = np.random.default_rng(1000 + r)
            extra = []
            if kind == "gauss":
                rho = np.sqrt(1 - np.exp(-2 * mi / dim))
                x = rng.standard_normal((args.n, dim))
                y = rho * x + np.sqrt(1 - rho**2) * rng.standard_normal((args.n, dim))
                truth = mi
            else:
                x = rng.random((args.n, 2))
                y = np.floor(x[:, 0] * dim).astype(np.int64)
                truth = np.log(dim)
                extra = ["--labels"]
            np.save(x_path, x)
            np.save(y_path, y)
            for rule in RULES[estimator]:
                options = ["--standard-error", rule] if rule else []
                out = subprocess.run([BINARY, "estimate", x_path, y_path, "--estimator", estimator, "--json", *extra,
                                      *options], capture_output=True, text=True, check=True).stdout
                result = json.loads(out)
                if rule == RULES[estimator][0]:
                    values.append(result["mi"])
                errors[rule].append(result["standard_error"])
        spread = np.std(values, ddof=1)
        for rule, reported in errors.items():
            print(f"| {label} | {estimator} | {rule or '–'} | {truth:.4f} | {np.mean(values) - truth:+.4f} | "
                  f"{spread:.4f} | {np.mean(reported):.4f} | {spread / np.mean(reported):.2f} |", flush=True)


if __name__ == "__main__":
    main()
