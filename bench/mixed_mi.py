#!/usr/bin/env python3
"""Reference k-NN mutual-information estimators with exact tie rules, closed-form truths and test data.

Written for clarity and exactness (numpy + scipy.spatial.cKDTree), as the reference for InfoPlane's Swift code.
All distances are max-norm (Chebyshev), ||a - b||_inf = max_c |a_c - b_c| on float64 coordinates; psi is the digamma
function; n is the number of samples; every estimate is the mean of per-sample terms t_i, and its standard error is
the population std of t divided by sqrt(n). Unless --no-standardize, every column of X (and of Y) is first shifted to
zero mean and scaled to unit population std (ddof=0); a constant column is only centred.

  ksg X Y        KSG algorithm 1 (Kraskov, Stoegbauer, Grassberger 2004, Phys. Rev. E 69:066138, eq. 8) with the
                 zero-radius rule of Gao, Kannan, Oh, Viswanath 2017 (NeurIPS, "Estimating mutual information for
                 discrete-continuous mixtures"). rho_i = joint distance to the k-th nearest other sample.
                 rho_i > 0:  t_i = psi(k) + psi(n) - psi(n_x + 1) - psi(n_y + 1), n_x = #{j != i : |x_j - x_i| < rho_i}
                 (strictly inside), n_y likewise.
                 rho_i = 0:  k~ = #{j != i : joint distance 0}, n_x = #{j != i : |x_j - x_i| = 0}, n_y likewise,
                             t_i = psi(k~) + psi(n) - psi(n_x + 1) - psi(n_y + 1).
  labels X L     Ross 2014 (PLoS ONE 9:e87357) continuous-discrete MI, jointly over all columns of X, with the same
                 zero-radius idea, exactly as InfoPlane's KSGLabelMI. n_y = size of sample i's class, d_i = distance
                 to the k-th nearest other sample of the same class; both counts use the same closed ball of radius d_i:
                 k~_i = #{j != i, same class : dist <= d_i}  (k without ties, more when ties sit at d_i; for d_i = 0
                        the same-class samples at distance 0),
                 m_i  = #{j != i, any class  : dist <= d_i}  (for d_i = 0 the samples at distance 0).
                 t_i = psi(n) - psi(n_y) + psi(k~_i) - psi(m_i); label_entropy = psi(n) - mean_i psi(n_{y_i}), which
                 bounds the estimate since m_i >= k~_i. A class with <= k samples is an error (exit status 2).
                 --repeats R: one warm-up (if R > 1), then "seconds" = the median time of R estimates (file loading
                 excluded); --sklearn adds mutual_info_classif summed over the columns of X (per-feature, so not the
                 same quantity; for timing context) with its median time, n_jobs = --workers.
  sklearn-labels X L   the same on a 1-column X next to scikit-learn's mutual_info_classif and its noise-free core.
  truth-noisy-quantized --sigma S --levels a1,.. --thresholds t1,..
                 X ~ N(0,1), L = q(X) + S*eps, q(x) = a_j on (t_{j-1}, t_j]; L ~ sum_j pi_j N(a_j, S^2) with
                 pi_j = Phi(t_j) - Phi(t_{j-1}), so I(X;L) = h(L) - 0.5 ln(2 pi e S^2), with h(L) = -int f ln f
                 by scipy.integrate.quad (pieces split at the levels) and, independently, by composite Simpson.
  truth-label-channel --classes K --p P
                 I(C;Y) = ln K - H_b(P) - P ln(K-1) for C uniform on K classes and Y = C with probability 1-P, else
                 uniform on the other K-1 classes; H_b(p) = -p ln p - (1-p) ln(1-p), 0 ln 0 = 0.
  generate DIR --seed S   writes (X as float64 (n, d), labels as int64 (n,)):
    a. scale_x.npy, scale_y.npy: 1-D Gaussians with correlation sqrt(1 - e^-2), true MI 1 nat, n = 10000;
       scale_x100.npy = 100 * scale_x (same MI; with standardisation the estimate must not move).
    b. clusters_x.npy: n = 10000, d = 4, 10 balanced classes (clusters_c.npy, 1000 each), each N(centre, I) with
       centres uniform in [-50, 50]^4 at max-norm separation >= 20; clusters_x0.npy = its first column (1-D, for
       sklearn-labels). clusters_y_p{0,0.3,0.9}.npy: C through the symmetric channel above (one shared uniform
       draw, so the three label files are coupled); truth = truth-label-channel --classes 10 --p P
       (ln 10 = 2.302585 for P = 0, 0 for P = 0.9 which is independence).
    c. saturated_x.npy (N(0,1)^4), saturated_l.npy: per column q(x) in {-1, 0, 1} at thresholds -+0.6745, plus
       0.05 * eps, n = 10000; truth = 4 * truth-noisy-quantized --sigma 0.05 --levels -1,0,1
       --thresholds -0.6745,0.6745 (the columns are independent).
    d. ties_x.npy, ties_y.npy: X uniform on {0..4} as float64, Y = X exactly, n = 5000; truth ln 5 = 1.609438.
  clusters DIR --n N [--d D] [--classes K] [--p P] [--seed S]
                 data of generate b. at any size: clusters_x_N.npy (float64 (N, D)) and clusters_y_pP_N.npy (int64,
                 C through the symmetric channel with error P); truth = truth-label-channel --classes K --p P.
  time-labels --n N --d D --classes K [--repeat R]
                 median wall time of `labels` and of mutual_info_classif (one call, per-feature, over the D columns).

cKDTree's query_ball_point counts points at distance <= r, computing max |a - b| exactly as numpy does (checked by
--brute, an exact blocked numpy count), so "<= d_i" is r = d_i and "< rho_i" is r = nextafter(rho_i, 0).
"""
import argparse
import json
import math
import sys
import time

import numpy as np
from scipy import integrate, special, stats
from scipy.spatial import cKDTree
from scipy.special import digamma


def load(path):
    a = np.load(path)
    return a.reshape(a.shape[0], -1).astype(np.float64)


def standardize(a):
    # InfoPlane's arithmetic (sequential sums, multiply by 1/sd), so that distances tied in the raw data stay tied
    # or untied exactly as in the Swift code: on lattice data an ulp decides which ties sit at a positive radius.
    n = len(a)
    dev = a - np.cumsum(a, axis=0)[-1] / n
    std = np.sqrt(np.cumsum(dev * dev, axis=0)[-1] / n)  # population std, ddof = 0
    return dev * np.where(std > 0, 1 / std, 1.0)


def brute_counts(points, radii, queries=None, block=256):
    """#{j : ||points_j - q_i||_inf <= radii_i} (self included when q_i is in points), exactly, in blocks."""
    queries = points if queries is None else queries
    out = np.empty(len(queries), dtype=np.int64)
    for s in range(0, len(queries), block):
        out[s:s + block] = (chebyshev_block(queries[s:s + block], points) <= radii[s:s + block, None]).sum(axis=1)
    return out


def chebyshev_block(q, points):
    d = np.abs(q[:, None, 0] - points[None, :, 0])
    for c in range(1, points.shape[1]):
        np.maximum(d, np.abs(q[:, None, c] - points[None, :, c]), out=d)
    return d


def kth_distance(points, k, brute=False, workers=1, block=256):
    """Distance from every point to its k-th nearest other point (self is the 0-th, at distance 0)."""
    if not brute:
        return cKDTree(points).query(points, k=k + 1, p=np.inf, workers=workers)[0][:, k]
    out = np.empty(len(points))
    for s in range(0, len(points), block):
        out[s:s + block] = np.partition(chebyshev_block(points[s:s + block], points), k, axis=1)[:, k]
    return out


def ball_counts(points, radii, brute=False, workers=1):
    """#{j != i : dist(i, j) <= radii_i}."""
    if brute:
        return brute_counts(points, radii) - 1
    return cKDTree(points).query_ball_point(points, radii, p=np.inf, return_length=True, workers=workers) - 1


def check_lengths(x, y):
    if len(x) != len(y):
        raise ValueError(f"the two files hold {len(x)} and {len(y)} samples")


def ksg(x, y, k=5, standardise=True, brute=False, workers=1):
    check_lengths(x, y)
    if standardise:
        x, y = standardize(x), standardize(y)
    n = len(x)
    z = np.hstack([x, y])
    rho = kth_distance(z, k, brute, workers)
    strict = np.nextafter(rho, 0)  # d < rho  <=>  d <= nextafter(rho, 0); and nextafter(0, 0) = 0 for rho = 0
    nx, ny = ball_counts(x, strict, brute, workers), ball_counts(y, strict, brute, workers)
    kt = np.where(rho > 0, k, ball_counts(z, np.zeros(n), brute, workers))
    t = digamma(kt) + digamma(n) - digamma(nx + 1) - digamma(ny + 1)
    return {"mi": float(t.mean()), "standard_error": float(t.std() / math.sqrt(n)), "n": n,
            "zero_radius": int((rho == 0).sum())}


def ross(x, labels, k=5, standardise=True, brute=False, workers=1):
    check_lengths(x, labels)
    if standardise:
        x = standardize(x)
    n = len(x)
    classes, inverse, counts = np.unique(labels, return_inverse=True, return_counts=True)
    if counts.min() <= k:
        raise ValueError(f"class {classes[counts.argmin()]} has {counts.min()} samples; every class needs > k = {k}")
    d, ki = np.empty(n), np.empty(n, dtype=np.int64)
    for c in range(len(classes)):
        idx = np.flatnonzero(inverse == c)
        d[idx] = kth_distance(x[idx], k, brute, workers)
        ki[idx] = ball_counts(x[idx], d[idx], brute, workers)  # same class, dist <= d_i: k, or more under ties
    m = ball_counts(x, d, brute, workers)  # any class, the same closed radius d_i (for d_i = 0: distance exactly 0)
    entropy_terms = digamma(n) - digamma(counts[inverse])
    excess = digamma(m) - digamma(ki)  # >= 0 because m_i >= k~_i; subtracting its mean keeps mi <= label_entropy
    entropy = entropy_terms.mean()     # exactly, also in floating point (t_i summed directly could round above it)
    t = entropy_terms - excess
    return {"mi": float(entropy - excess.mean()), "standard_error": float(t.std() / math.sqrt(n)),
            "label_entropy": float(entropy), "n": n, "classes": len(classes), "zero_radius": int((d == 0).sum())}


def sklearn_labels(x, labels, k=5):
    """Compare `labels` with scikit-learn on 1-D data.

    mutual_info_classif(discrete_features=False) divides X by its population std (no centring) and then always adds
    1e-10 * max(1, mean|X|) * N(0, 1) noise; there is no switch to turn it off, only random_state to make it
    reproducible. So the exact comparison is with the private noise-free core _compute_mi_cd on our standardised
    column. It counts m_i = #{j : dist <= nextafter(d_i, 0)}, i.e. strictly inside d_i with the sample itself
    included, which equals our inclusive #{j != i : dist <= d_i} whenever exactly one other sample lies at distance
    d_i (no ties); and it clips a negative estimate to 0. The public function can differ from it only where the
    1e-10 noise reorders two distances, i.e. (almost) never on continuous data.
    """
    from sklearn.feature_selection import mutual_info_classif
    from sklearn.feature_selection._mutual_info import _compute_mi_cd
    if x.shape[1] != 1:
        raise ValueError(f"sklearn-labels needs a 1-column X, got {x.shape[1]} columns")
    ours = ross(x, labels, k)
    public = float(mutual_info_classif(x, labels, discrete_features=False, n_neighbors=k, random_state=0)[0])
    core = float(_compute_mi_cd(standardize(x)[:, 0], labels, k))
    return {"labels_mi": ours["mi"], "sklearn_mutual_info_classif": public, "sklearn_compute_mi_cd": core,
            "difference_public": public - max(ours["mi"], 0.0), "difference_core": core - max(ours["mi"], 0.0),
            "n": ours["n"], "k": k}


def noisy_quantized_truth(sigma, levels, thresholds):
    levels, thresholds = np.asarray(levels, float), np.asarray(thresholds, float)
    if len(thresholds) != len(levels) - 1 or np.any(np.diff(thresholds) <= 0) or sigma <= 0:
        raise ValueError("need len(levels) - 1 increasing thresholds and sigma > 0")
    weights = np.diff(stats.norm.cdf(np.concatenate([[-np.inf], thresholds, [np.inf]])))
    log_w = np.log(weights)

    def log_f(l):  # log of the mixture density, stable far in the tails
        l = np.atleast_1d(np.asarray(l, float))
        return special.logsumexp(log_w[None, :] + stats.norm.logpdf(l[:, None], levels[None, :], sigma), axis=1)

    def integrand(l):
        lf = log_f(l)
        return -np.exp(lf) * lf

    lo, hi = levels.min() - 40 * sigma, levels.max() + 40 * sigma  # beyond 40 sigma the integrand is < 1e-340
    cuts = [lo, hi] + [a + s * sigma for a in levels for s in (-10, -5, -2, 0, 2, 5, 10)]
    cuts += list((levels[1:] + levels[:-1]) / 2) if len(levels) > 1 else []
    cuts = np.unique(np.clip(cuts, lo, hi))
    h_quad = sum(integrate.quad(lambda v: float(integrand(v)[0]), a, b, epsabs=1e-12, epsrel=1e-12, limit=500)[0]
                 for a, b in zip(cuts[:-1], cuts[1:]))
    steps = int(math.ceil((hi - lo) / (sigma / 400))) // 2 * 2 + 2  # even number of intervals, h <= sigma / 400
    grid = np.linspace(lo, hi, steps + 1)
    h_simpson = float(integrate.simpson(integrand(grid), x=grid))
    gauss = 0.5 * math.log(2 * math.pi * math.e * sigma * sigma)
    return {"mi_quad": h_quad - gauss, "mi_simpson": h_simpson - gauss, "difference": h_quad - h_simpson,
            "h_L_quad": h_quad, "weights": weights.tolist(), "simpson_intervals": steps}


def label_channel_truth(classes, p):
    hb = -sum(v * math.log(v) for v in (p, 1 - p) if v > 0)
    return math.log(classes) - hb - (p * math.log(classes - 1) if p > 0 else 0.0)


def clusters(rng, n, d, classes, separation=20.0, box=50.0):
    centres, tries = [rng.uniform(-box, box, d)], 0
    while len(centres) < classes:  # rejection sampling of far-apart centres; the box grows if they do not fit
        c, tries = rng.uniform(-box, box, d), tries + 1
        if min(np.abs(c - e).max() for e in centres) >= separation:
            centres.append(c)
        elif tries % 1000 == 0:
            box *= 1.5
    c = rng.permutation(np.repeat(np.arange(classes), -(-n // classes))[:n])
    return np.asarray(centres)[c] + rng.standard_normal((n, d)), c.astype(np.int64)


def channel(rng, c, classes, p):
    """C through the symmetric channel: kept with probability 1 - p, else uniform on the other classes."""
    u, shift = rng.uniform(size=len(c)), rng.integers(1, classes, size=len(c))
    return np.where(u < p, (c + shift) % classes, c).astype(np.int64)


def generate_clusters(out, n, d, classes, p, seed):
    import os
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(seed)
    x, c = clusters(rng, n, d, classes)
    paths = os.path.join(out, f"clusters_x_{n}.npy"), os.path.join(out, f"clusters_y_p{p}_{n}.npy")
    np.save(paths[0], x), np.save(paths[1], channel(rng, c, classes, p))
    return {"x": paths[0], "y": paths[1], "n": n, "d": d, "classes": classes, "p": p, "seed": seed,
            "truth": label_channel_truth(classes, p)}


def timed(f, repeats):
    """One warm-up call (none when repeats is 1), then the last value and the median wall time of `repeats` calls."""
    if repeats > 1:
        f()
    times, value = [], None
    for _ in range(max(1, repeats)):
        t = time.perf_counter()
        value = f()
        times.append(time.perf_counter() - t)
    return value, float(np.median(times))


def labels_command(x, labels, k, standardise, brute, workers, repeats, with_sklearn):
    out, seconds = timed(lambda: ross(x, labels, k, standardise, brute, workers), repeats)
    out.update({"k": k, "repeats": repeats, "seconds": seconds})
    if with_sklearn:
        from sklearn.feature_selection import mutual_info_classif
        value, seconds = timed(lambda: float(mutual_info_classif(x, labels, n_neighbors=k, random_state=0,
                                                                 n_jobs=workers).sum()), repeats)
        out.update({"sklearn_sum_over_columns": value, "sklearn_seconds": seconds})
    return out


def generate(out, seed):
    import os
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(seed)
    save = lambda name, a: np.save(os.path.join(out, name), a)
    rho = math.sqrt(1 - math.exp(-2))  # -0.5 ln(1 - rho^2) = 1 nat
    x = rng.standard_normal((10_000, 1))
    save("scale_x.npy", x), save("scale_x100.npy", 100 * x)
    save("scale_y.npy", rho * x + math.sqrt(1 - rho * rho) * rng.standard_normal((10_000, 1)))
    x, c = clusters(rng, 10_000, 4, 10)
    save("clusters_x.npy", x), save("clusters_x0.npy", x[:, :1].copy()), save("clusters_c.npy", c)
    u, shift = rng.uniform(size=len(c)), rng.integers(1, 10, size=len(c))
    truth = {"scale": 1.0}
    for p in (0, 0.3, 0.9):
        save(f"clusters_y_p{p}.npy", np.where(u < p, (c + shift) % 10, c).astype(np.int64))
        truth[f"clusters_y_p{p}"] = label_channel_truth(10, p)
    x = rng.standard_normal((10_000, 4))
    levels, thresholds = np.array([-1.0, 0.0, 1.0]), np.array([-0.6745, 0.6745])
    save("saturated_x.npy", x)
    save("saturated_l.npy", levels[np.searchsorted(thresholds, x, side="left")] + 0.05 * rng.standard_normal(x.shape))
    truth["saturated"] = 4 * noisy_quantized_truth(0.05, levels, thresholds)["mi_quad"]
    x = rng.integers(0, 5, size=(5_000, 1)).astype(np.float64)
    save("ties_x.npy", x), save("ties_y.npy", x.copy())
    truth["ties"] = math.log(5)
    return {"directory": out, "seed": seed, "truth": truth}


def time_labels(n, d, classes, repeat, k, seed, workers):
    from sklearn.feature_selection import mutual_info_classif
    x, c = clusters(np.random.default_rng(seed), n, d, classes)

    def median_time(f):
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            value = f()
            times.append(time.perf_counter() - t)
        return value, float(np.median(times))

    ours, t_ours = median_time(lambda: ross(x, c, k, workers=workers)["mi"])
    theirs, t_sk = median_time(lambda: float(mutual_info_classif(x, c, n_neighbors=k, random_state=0).sum()))
    return {"n": n, "d": d, "classes": classes, "k": k, "repeat": repeat, "workers": workers,
            "labels_mi": ours, "labels_seconds": t_ours, "sklearn_sum_over_columns": theirs,
            "sklearn_seconds": t_sk, "load_average": list(__import__("os").getloadavg())}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("ksg", "labels", "sklearn-labels"):
        s = sub.add_parser(name)
        s.add_argument("x")
        s.add_argument("y")
        s.add_argument("-k", type=int, default=5)
        if name != "sklearn-labels":
            s.add_argument("--no-standardize", action="store_true")
            s.add_argument("--brute", action="store_true", help="exact blocked numpy counts instead of cKDTree")
            s.add_argument("--workers", type=int, default=1)
        if name == "labels":
            s.add_argument("--repeats", type=int, default=1, help="median of R timed runs, after a warm-up if R > 1")
            s.add_argument("--sklearn", action="store_true", help="also time mutual_info_classif (sum over columns)")
    s = sub.add_parser("truth-noisy-quantized")
    s.add_argument("--sigma", type=float, required=True)
    s.add_argument("--levels", required=True)
    s.add_argument("--thresholds", required=True)
    s = sub.add_parser("truth-label-channel")
    s.add_argument("--classes", type=int, required=True)
    s.add_argument("--p", type=float, required=True)
    s = sub.add_parser("generate")
    s.add_argument("dir")
    s.add_argument("--seed", type=int, default=0)
    s = sub.add_parser("clusters")
    s.add_argument("dir")
    for flag, default in (("--n", 10_000), ("--d", 4), ("--classes", 10), ("--seed", 0)):
        s.add_argument(flag, type=int, default=default)
    s.add_argument("--p", type=float, default=0.3)
    s = sub.add_parser("time-labels")
    for flag, default in (("--n", 10_000), ("--d", 4), ("--classes", 10), ("--repeat", 5), ("-k", 5),
                          ("--seed", 0), ("--workers", 1)):
        s.add_argument(flag, type=int, default=default)
    a = parser.parse_args()
    floats = lambda text: [float(v) for v in text.split(",") if v.strip()]
    try:
        if a.command == "ksg":
            out = ksg(load(a.x), load(a.y), a.k, not a.no_standardize, a.brute, a.workers)
        elif a.command == "labels":
            out = labels_command(load(a.x), np.load(a.y).reshape(-1), a.k, not a.no_standardize, a.brute, a.workers,
                                 a.repeats, a.sklearn)
        elif a.command == "sklearn-labels":
            out = sklearn_labels(load(a.x), np.load(a.y).reshape(-1), a.k)
        elif a.command == "truth-noisy-quantized":
            out = noisy_quantized_truth(a.sigma, floats(a.levels), floats(a.thresholds))
        elif a.command == "truth-label-channel":
            out = {"mi": label_channel_truth(a.classes, a.p)}
        elif a.command == "generate":
            out = generate(a.dir, a.seed)
        elif a.command == "clusters":
            out = generate_clusters(a.dir, a.n, a.d, a.classes, a.p, a.seed)
        else:
            out = time_labels(a.n, a.d, a.classes, a.repeat, a.k, a.seed, a.workers)
    except ValueError as error:
        print(f"mixed_mi.py {a.command}: {error}", file=sys.stderr)
        return 2
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
