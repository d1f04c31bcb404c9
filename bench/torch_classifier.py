#!/usr/bin/env python3
"""PyTorch reference for nn-bench: the METHOD.md §10.1 classifier on CPU.

Times one training epoch of 60,000 images (Adam, lr 1e-3, batch 1024, relative noise 1e-3 on every learned layer's
input, dropout 0.1) and a forward pass over 10,000 images that collects all layer outputs (eval mode, noise on), at
torch.set_num_threads(1) and (2). Prints one line per thread count:

    torch  threads=T  train R images/s (epoch S s)  forward F s

Data: Fashion-MNIST IDX files (.gz or plain) from --data-dir; random images of the same shape if absent.
Install: pip install torch (CPU build).
"""
import argparse
import gzip
import os
import statistics
import time

import numpy as np
import torch
from torch import nn


class Noise(nn.Module):
    """y = x·(1 + σ·ε), also at inference (the paper's AdditiveGaussianNoise with relative_scale=True)."""

    def __init__(self, sigma):
        super().__init__()
        self.sigma = sigma

    def forward(self, x):
        return x + self.sigma * x * torch.randn_like(x)


class Classifier(nn.Module):
    def __init__(self, sigma=1e-3, p=0.1):
        super().__init__()
        act = lambda: nn.LeakyReLU(0.01)
        self.layer1 = nn.Sequential(nn.Dropout(p), Noise(sigma), nn.Conv2d(1, 8, 3), nn.MaxPool2d(2), act())
        self.layer2 = nn.Sequential(nn.Dropout(p), Noise(sigma), nn.Conv2d(8, 16, 3), nn.MaxPool2d(2), act())
        self.layer3 = nn.Sequential(nn.Dropout(p), Noise(sigma), nn.Conv2d(16, 32, 3), nn.MaxPool2d(2), act(),
                                    nn.Flatten())
        self.layer4 = nn.Sequential(Noise(sigma), nn.Linear(32, 32), act())
        self.layer5 = nn.Sequential(Noise(sigma), nn.Linear(32, 10), nn.LogSoftmax(dim=1))

    def forward(self, x, collect=False):
        outs = []
        for layer in (self.layer1, self.layer2, self.layer3, self.layer4, self.layer5):
            x = layer(x)
            outs.append(x)
        if collect:
            outs.append(torch.exp(x))
            return outs
        return x


def read_idx(directory, name):
    for path, opener in ((os.path.join(directory, name), open), (os.path.join(directory, name + ".gz"), gzip.open)):
        if os.path.exists(path):
            with opener(path, "rb") as f:
                return f.read()
    return None


def load(directory):
    rng = np.random.default_rng(0)
    raw = read_idx(directory, "train-images-idx3-ubyte")
    if raw is not None:
        train = np.frombuffer(raw, np.uint8, offset=16).reshape(-1, 1, 28, 28).astype(np.float32) / 255
        labels = np.frombuffer(read_idx(directory, "train-labels-idx1-ubyte"), np.uint8, offset=8).astype(np.int64)
        test = np.frombuffer(read_idx(directory, "t10k-images-idx3-ubyte"), np.uint8, offset=16)
        test = test.reshape(-1, 1, 28, 28).astype(np.float32) / 255
    else:
        train = rng.random((60000, 1, 28, 28), dtype=np.float32)
        labels = rng.integers(0, 10, 60000)
        test = rng.random((10000, 1, 28, 28), dtype=np.float32)
    mean, std = 0.2860, 0.3530
    return (torch.from_numpy((train - mean) / std), torch.from_numpy(labels), torch.from_numpy((test - mean) / std))


def accuracy_run(args, x, y, test):
    raw = read_idx(args.data_dir, "t10k-labels-idx1-ubyte")
    test_labels = torch.from_numpy(np.frombuffer(raw, np.uint8, offset=8).astype(np.int64))
    torch.set_num_threads(int(args.threads.split(",")[-1]))
    torch.manual_seed(args.seed)
    model = Classifier()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.NLLLoss()
    for epoch in range(args.train_epochs):
        model.train()
        perm = torch.randperm(x.shape[0])
        for b in range(0, x.shape[0], 1024):
            idx = perm[b:b + 1024]
            optimizer.zero_grad()
            loss_fn(model(x[idx]), y[idx]).backward()
            optimizer.step()
        model.eval()
        with torch.no_grad():
            out = torch.cat([model(test[b:b + 2048]) for b in range(0, test.shape[0], 2048)])
        accuracy = (out.argmax(1) == test_labels).float().mean().item()
        print(f"torch  seed {args.seed}  epoch {epoch + 1}  test loss {loss_fn(out, test_labels).item():.4f}  "
              f"test accuracy {accuracy:.4f}", flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", default="/usr/share/datasets/fashion-mnist")
    parser.add_argument("--epochs-timed", type=int, default=1)
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--train-epochs", type=int, default=0,
                        help="instead of timing: train this many epochs and print the test accuracy after each")
    parser.add_argument("--seed", type=int, default=0, help="torch seed of the accuracy run (initialisation, order)")
    args = parser.parse_args()
    x, y, test = load(args.data_dir)
    if args.train_epochs:
        accuracy_run(args, x, y, test)
        return
    for threads in [int(t) for t in args.threads.split(",")]:
        torch.set_num_threads(threads)
        torch.manual_seed(0)
        model = Classifier()
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
        loss_fn = nn.NLLLoss()
        model.train()
        for _ in range(3):  # warm-up
            idx = torch.randint(0, x.shape[0], (1024,))
            optimizer.zero_grad()
            loss_fn(model(x[idx]), y[idx]).backward()
            optimizer.step()
        epochs = []
        for _ in range(args.epochs_timed):
            start = time.perf_counter()
            perm = torch.randperm(x.shape[0])
            for b in range(0, x.shape[0], 1024):
                idx = perm[b:b + 1024]
                optimizer.zero_grad()
                loss = loss_fn(model(x[idx]), y[idx])
                loss.backward()
                optimizer.step()
            epochs.append(time.perf_counter() - start)
        model.eval()
        forwards = []
        with torch.no_grad():
            for r in range(6):
                start = time.perf_counter()
                outs = [model(test[b:b + 2048], collect=True) for b in range(0, test.shape[0], 2048)]
                _ = [torch.cat([o[k] for o in outs]) for k in range(6)]
                if r > 0:  # the first pass is a warm-up
                    forwards.append(time.perf_counter() - start)
        epoch = statistics.median(epochs)
        print(f"torch  threads={threads}  train {60000 / epoch:.0f} images/s (epoch {epoch:.2f} s)  "
              f"forward {statistics.median(forwards):.3f} s", flush=True)


if __name__ == "__main__":
    main()
