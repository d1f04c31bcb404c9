#!/usr/bin/env python3
"""One MINE estimate on 2+2 correlated Gaussians (n = 10^4, I = 1 nat), ours and PyTorch's, side by side.

The issue's speed target: 2000 critic steps of batch 512 in under 30 s on 2 cores. The PyTorch reference trains the
same critic (4 -> 400 -> 400 -> 1, LeakyReLU 0.01, Adam 1e-3) the same way (70/30 split, joint pairs plus the pairs
with y cyclically shifted within the batch, the bias-corrected gradient with a moving average of E[e^T] at rate 0.01,
the held-out bound every 100 steps). Usage: python3 bench/mine_speed.py [--runs 3] [--steps 2000] [--threads 2]
Prints each run's wall time and value, then the medians and their ratio, with the load average.
"""
import argparse, json, math, os, statistics, subprocess, sys, tempfile, time

import numpy as np


def data(path):
    rho = math.sqrt(1 - math.exp(-1.0))  # two coordinate pairs of -1/2 log(1 - rho^2): I = 1 nat
    r = np.random.default_rng(1)
    x = r.normal(size=(10000, 2)); y = rho * x + math.sqrt(1 - rho ** 2) * r.normal(size=(10000, 2))
    np.save(f"{path}/x.npy", x); np.save(f"{path}/y.npy", y)
    return x, y


def ours(binary, path, steps, threads):
    start = time.perf_counter()
    out = subprocess.run([binary, "estimate", f"{path}/x.npy", f"{path}/y.npy", "--estimator", "mine",
                          "--neural-steps", str(steps), "--neural-batch", "512", "--threads", str(threads),
                          "--json", "--quiet"], check=True, capture_output=True, text=True).stdout
    return time.perf_counter() - start, json.loads(out)["mi"]


def pytorch(x, y, steps, threads):
    import torch
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    start = time.perf_counter()
    g = np.random.default_rng(0)
    order = g.permutation(len(x)); held = int(round(0.3 * len(x)))
    train, test = order[: len(x) - held], order[len(x) - held:]
    def std(a):
        m, s = a[train].mean(0), a[train].std(0)
        return torch.tensor((a - m) / s, dtype=torch.float32)
    xs, ys = std(x), std(y)
    critic = torch.nn.Sequential(torch.nn.Linear(4, 400), torch.nn.LeakyReLU(0.01), torch.nn.Linear(400, 400),
                                 torch.nn.LeakyReLU(0.01), torch.nn.Linear(400, 1))
    opt = torch.optim.Adam(critic.parameters(), lr=1e-3)
    b, average, values, perm, pos = 512, None, [], train.copy(), len(train)
    for step in range(1, steps + 1):
        if pos + b > len(perm):
            g.shuffle(perm); pos = 0
        rows = torch.from_numpy(perm[pos: pos + b]); pos += b
        shift = int(g.integers(1, b))
        xb, yb = xs[rows], ys[rows]
        t = critic(torch.cat([torch.cat([xb, yb], 1), torch.cat([xb, torch.roll(yb, -shift, 0)], 1)])).squeeze(1)
        joint, marginal = t[:b], t[b:]
        batch_mean = torch.exp(torch.logsumexp(marginal.detach(), 0) - math.log(b)).item()
        average = batch_mean if average is None else 0.99 * average + 0.01 * batch_mean
        # Bias-corrected gradient of -DV: -mean(joint) + mean(e^marginal) / moving average.
        loss = -joint.mean() + torch.exp(marginal).mean() / average
        opt.zero_grad(); loss.backward(); opt.step()
        if step % 100 == 0 or step == steps:
            with torch.no_grad():
                rt = torch.from_numpy(test); s = int(g.integers(1, len(test)))
                xt, yt = xs[rt], ys[rt]
                tj = critic(torch.cat([xt, yt], 1)).squeeze(1)
                tm = critic(torch.cat([xt, torch.roll(yt, -s, 0)], 1)).squeeze(1)
                values.append((tj.mean() - (torch.logsumexp(tm, 0) - math.log(len(tm)))).item())
    return time.perf_counter() - start, float(np.mean(values[-10:]))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--steps", type=int, default=2000)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--binary", default=os.environ.get("INFOPLANE_BIN", ".build/release/infoplane"))
    a = p.parse_args()
    with tempfile.TemporaryDirectory() as path:
        x, y = data(path)
        ts, tt = [], []
        print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; {a.steps} steps of batch 512, "
              f"{a.threads} threads; true MI 1 nat")
        for run in range(a.runs):
            t1, v1 = ours(a.binary, path, a.steps, a.threads)
            t2, v2 = pytorch(x, y, a.steps, a.threads)
            ts.append(t1); tt.append(t2)
            print(f"run {run + 1}: infoplane {t1:6.2f} s ({v1:.3f} nats)   pytorch {t2:6.2f} s ({v2:.3f} nats)")
        mo, mt = statistics.median(ts), statistics.median(tt)
        print(f"median: infoplane {mo:.2f} s, pytorch {mt:.2f} s; infoplane is {mt / mo:.2f}x pytorch "
              f"(load average after: {os.getloadavg()[0]:.2f})")


if __name__ == "__main__":
    main()
