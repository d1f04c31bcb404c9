"""One epoch of the information-plane experiment done "the reference way" (Butakov et al. 2024's code path):
PyTorch classifier (METHOD.md §10.1), scikit-learn PCA, and the paper's KL/WKL k-NN estimator written with numpy and
scikit-learn's BallTree. Times: training epoch, metrics, activations, 12 MI estimates (6 layers × I(X;L), I(L;Y)).

Usage: python3 bench/reference_epoch.py [--data-dir /usr/share/datasets/fashion-mnist] [--threads 2] [--eval 10000]
Prints one JSON object. X is compressed once beforehand (PCA to 4), outside the timed epoch, as in our `ib`.
"""
import argparse, gzip, json, math, os, time

import numpy as np
import torch
import torch.nn as nn
from scipy.special import gamma as Gamma, digamma
from sklearn.decomposition import PCA
from sklearn.metrics import roc_auc_score
from sklearn.neighbors import BallTree


def read_idx(path):
    with (gzip.open if path.endswith(".gz") else open)(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    shape = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(shape)


def load(directory, split):
    prefix = "train" if split == "train" else "t10k"
    def find(name):
        for cand in (name, name + ".gz"):
            p = os.path.join(directory, cand)
            if os.path.exists(p):
                return p
        raise FileNotFoundError(name)
    x = read_idx(find(f"{prefix}-images-idx3-ubyte")).astype(np.float32) / 255.0
    y = read_idx(find(f"{prefix}-labels-idx1-ubyte")).astype(np.int64)
    x = (x - 0.2860) / 0.3530
    return torch.from_numpy(x[:, None]), torch.from_numpy(y)


class Noise(nn.Module):
    """Relative Gaussian noise x·(1 + σε), on in training and at inference (the paper's classifier)."""
    def __init__(self, sigma=1e-3):
        super().__init__()
        self.sigma = sigma
    def forward(self, x):
        return x + self.sigma * x * torch.randn_like(x)


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        act = lambda: nn.LeakyReLU(0.01)
        self.blocks = nn.ModuleList([
            nn.Sequential(nn.Dropout(0.1), Noise(), nn.Conv2d(1, 8, 3), nn.MaxPool2d(2), act()),
            nn.Sequential(nn.Dropout(0.1), Noise(), nn.Conv2d(8, 16, 3), nn.MaxPool2d(2), act()),
            nn.Sequential(nn.Dropout(0.1), Noise(), nn.Conv2d(16, 32, 3), nn.MaxPool2d(2), act(), nn.Flatten()),
            nn.Sequential(Noise(), nn.Linear(32, 32), act()),
            nn.Sequential(Noise(), nn.Linear(32, 10), nn.LogSoftmax(dim=1)),
        ])
    def forward(self, x, collect=False):
        outs = []
        for b in self.blocks:
            x = b(x)
            outs.append(x)
        return (x, outs) if collect else x


# The paper's KL / WKL entropy (METHOD.md §2–§4): whitening, BallTree, Berrett–Samworth–Yuan weights.
def wkl_weights(d, k):
    if d <= 4:
        w = np.zeros(k); w[0] = 1; return w
    rows, rhs = [np.full(k, 1.0 / k)], [1.0 / k]
    for l in range(1, d // 4 + 1):
        j = np.arange(1, k + 1)
        r = Gamma(j + 2 * l / d) / Gamma(j)
        rows.append(r / np.linalg.norm(r)); rhs.append(0.0)
    keep = {math.floor(i * k / d) - 1 for i in range(1, d + 1)}
    for j in range(k):
        if j not in keep:
            e = np.zeros(k); e[j] = 1; rows.append(e); rhs.append(0.0)
    return np.linalg.lstsq(np.array(rows), np.array(rhs), rcond=1e-6)[0]


def entropy(x, k=5):
    x = np.asarray(x, dtype=np.float64)
    n, d = x.shape
    cov = np.atleast_2d(np.cov(x, rowvar=False))
    vals, vecs = np.linalg.eigh(cov)
    z = x @ (vecs @ np.diag(vals ** -0.5) @ vecs.T)
    rho, _ = BallTree(z, leaf_size=40).query(z, k=k + 1)
    rho = rho[:, 1:]
    log_vd = d / 2 * math.log(math.pi) - math.lgamma(d / 2 + 1)
    logf = digamma(np.arange(1, k + 1))[None, :] - log_vd - d * np.log(rho) - math.log(n - 1)
    v = logf @ wkl_weights(d, k)
    return -v.mean() + 0.5 * np.linalg.slogdet(cov)[1]


def mi_continuous(a, b):
    return entropy(a) + entropy(b) - entropy(np.hstack([a, b]))


def mi_labels(a, y):
    h = entropy(a)
    for c in np.unique(y):
        m = y == c
        h -= m.mean() * entropy(a[m])
    return h


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-dir", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--eval", type=int, default=10000)
    ap.add_argument("--batch", type=int, default=1024)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    xtr, ytr = load(args.data_dir, "train")
    xte, yte = load(args.data_dir, "test")
    x_codes = PCA(4).fit(xtr[:10000].reshape(10000, -1).numpy()).transform(xte[: args.eval].reshape(args.eval, -1).numpy())
    model = Classifier()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.NLLLoss()
    times = {}

    t0 = time.perf_counter()
    model.train()
    perm = torch.randperm(len(ytr))
    for i in range(0, len(ytr), args.batch):
        idx = perm[i: i + args.batch]
        opt.zero_grad()
        loss = loss_fn(model(xtr[idx]), ytr[idx])
        loss.backward()
        opt.step()
    times["train_epoch"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    model.eval()
    with torch.no_grad():
        train_loss = loss_fn(model(xtr[:10000]), ytr[:10000]).item()
        out, layers = model(xte, collect=True)
        test_loss = loss_fn(out, yte).item()
        probs = out.exp().numpy()
        accuracy = (out.argmax(1) == yte).float().mean().item()
    auc = roc_auc_score(yte.numpy(), probs, multi_class="ovo")
    times["metrics_and_activations"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    y = yte[: args.eval].numpy()
    results = {}
    for name, layer in zip(["layer1", "layer2", "layer3", "layer4", "layer5", "softmax"], layers + [out.exp()]):
        flat = layer[: args.eval].reshape(args.eval, -1).numpy().astype(np.float64)
        codes = PCA(min(4, flat.shape[1])).fit_transform(flat)
        results[name] = {"I_XL": mi_continuous(x_codes, codes), "I_LY": mi_labels(codes, y)}
    times["mi_12_estimates"] = time.perf_counter() - t0
    times["epoch_total"] = sum(times.values())
    print(json.dumps({"threads": args.threads, "eval_samples": args.eval, "seconds": times,
                      "train_loss": train_loss, "test_loss": test_loss, "test_accuracy": accuracy,
                      "test_roc_auc": auc, "mi_nats": results}, indent=1, sort_keys=True))


if __name__ == "__main__":
    main()
