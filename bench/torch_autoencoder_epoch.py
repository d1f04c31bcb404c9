#!/usr/bin/env python3
"""The input autoencoder of `infoplane ib` (docs/method.md §6.3, Sources/NeuralNetwork/Models/ImageAutoencoder.swift)
trained "the reference way", in PyTorch on CPU, for timing.

Same network, layer for layer, at 1×28×28 with a code of 4:
  encoder  3 × (Dropout(0.1) → Conv2d 3×3 padding 1 ('same') → MaxPool2d(2) → LeakyReLU(0.01)), 1→8→16→32 channels
           (28 → 14 → 7 → 3), Flatten (288) → Linear(288, 128) → LeakyReLU(0.01) → Linear(128, 4) → Sigmoid
  noise    relative Gaussian noise on the code, c·(1 + 0.1·ε), in training only
  decoder  Linear(4, 128) → LeakyReLU → Linear(128, 32·7·7) → LeakyReLU → reshape 32×7×7 →
           Conv 32→16 → Upsample ×2 (nearest) → LeakyReLU → Conv 16→8 → Upsample ×2 → LeakyReLU → Conv 8→1 (linear)
Training as ours for the ib input autoencoder (Sources/InformationPlane/InformationPlaneExperiment.swift): L1 loss
(mean absolute error) against the normalised image ((x/255 − 0.2860)/0.3530), Adam (β 0.9/0.999, ε 1e-8) at a constant
learning rate (default 1e-2, the paper-mnist preset's; ours' plain default is 3e-3), batch 512 over the 60 000
training images reshuffled every epoch, the last partial batch (96 images) kept.

252 165 parameters, biases everywhere, on both sides. Parity caveats (none should matter for time per epoch): the
same initialisation distribution (ours copies PyTorch's default uniform) but different random streams, as for the
shuffling, dropout and noise; float32 on both sides.

Timing: one untimed warm-up epoch, then --epochs timed epochs (wall clock per epoch, batch gathering included); the
median is `seconds_per_epoch`. Also timed once, separately: encoding the first --eval test images in evaluation mode
and their reconstruction error — what ours does once after training, inside its autoencoder stage.

Usage: python3 bench/torch_autoencoder_epoch.py [--data-dir /usr/share/datasets/fashion-mnist] [--threads 2]
       [--epochs 3] [--lr 1e-2] [--batch 512] [--eval 10000]
Prints one JSON object.
"""
import argparse
import gzip
import json
import os
import statistics
import time

import numpy as np
import torch
from torch import nn


def read_idx(directory, name):
    """An IDX file (`name` or `name.gz` in `directory`) as a numpy array of its stored shape."""
    for path, opener in ((os.path.join(directory, name), open), (os.path.join(directory, name + ".gz"), gzip.open)):
        if os.path.exists(path):
            with opener(path, "rb") as f:
                raw = f.read()
            ndim = raw[3]
            shape = [int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
            return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(shape)
    raise FileNotFoundError(f"{name}(.gz) not found in {directory}")


def images(directory, prefix):
    x = read_idx(directory, f"{prefix}-images-idx3-ubyte").astype(np.float32) / 255.0
    return torch.from_numpy(((x - 0.2860) / 0.3530)[:, None].copy())


class RelativeNoise(nn.Module):
    """c·(1 + σε) in training mode only (our GaussianNoise(.relative(0.1), activeAtInference: false))."""

    def __init__(self, sigma):
        super().__init__()
        self.sigma = sigma

    def forward(self, x):
        return x + self.sigma * x * torch.randn_like(x) if self.training else x


class Autoencoder(nn.Module):
    def __init__(self, latent=4, dropout=0.1, code_noise=0.1):
        super().__init__()
        act = lambda: nn.LeakyReLU(0.01)

        def down(cin, cout):
            return [nn.Dropout(dropout), nn.Conv2d(cin, cout, 3, padding=1), nn.MaxPool2d(2), act()]

        self.encoder = nn.Sequential(
            *down(1, 8), *down(8, 16), *down(16, 32),
            nn.Flatten(), nn.Linear(32 * 3 * 3, 128), act(), nn.Linear(128, latent), nn.Sigmoid())
        self.noise = RelativeNoise(code_noise)
        self.decoder = nn.Sequential(
            nn.Linear(latent, 128), act(), nn.Linear(128, 32 * 7 * 7), act(), nn.Unflatten(1, (32, 7, 7)),
            nn.Conv2d(32, 16, 3, padding=1), nn.Upsample(scale_factor=2, mode="nearest"), act(),
            nn.Conv2d(16, 8, 3, padding=1), nn.Upsample(scale_factor=2, mode="nearest"), act(),
            nn.Conv2d(8, 1, 3, padding=1))

    def forward(self, x):
        return self.decoder(self.noise(self.encoder(x)))


def train_epoch(model, optimizer, x, batch):
    model.train()
    order = torch.randperm(x.shape[0])
    total, seen = 0.0, 0
    for start in range(0, x.shape[0], batch):
        xb = x[order[start: start + batch]]
        optimizer.zero_grad()
        loss = (model(xb) - xb).abs().mean()
        loss.backward()
        optimizer.step()
        total += loss.item() * xb.shape[0]
        seen += xb.shape[0]
    return total / seen


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data-dir", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--epochs", type=int, default=3, help="timed epochs after one warm-up epoch")
    ap.add_argument("--lr", type=float, default=1e-2)
    ap.add_argument("--batch", type=int, default=512)
    ap.add_argument("--eval", type=int, default=10000, help="test images encoded once after training")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    if args.epochs < 1:
        ap.error("--epochs must be at least 1")
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    x = images(args.data_dir, "train")
    test = images(args.data_dir, "t10k")[: args.eval]
    model = Autoencoder()
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)

    start = time.perf_counter()
    losses = [train_epoch(model, optimizer, x, args.batch)]
    warmup = time.perf_counter() - start
    seconds = []
    for _ in range(args.epochs):
        start = time.perf_counter()
        losses.append(train_epoch(model, optimizer, x, args.batch))
        seconds.append(time.perf_counter() - start)

    start = time.perf_counter()
    model.eval()
    with torch.no_grad():
        codes = torch.cat([model.encoder(test[i: i + 1024]) for i in range(0, test.shape[0], 1024)])
        error = sum((model(test[i: i + 1024]) - test[i: i + 1024]).abs().sum().item()
                    for i in range(0, test.shape[0], 1024)) / test.numel()
    encode = time.perf_counter() - start

    print(json.dumps({
        "threads": args.threads, "batch": args.batch, "lr": args.lr, "train_images": int(x.shape[0]),
        "parameters": sum(p.numel() for p in model.parameters()),
        "warmup_epoch_seconds": warmup, "epoch_seconds": seconds,
        "seconds_per_epoch": statistics.median(seconds),
        "encode_eval_seconds": encode, "eval_images": int(test.shape[0]),
        "l1_loss_per_epoch": losses, "eval_l1_reconstruction_error": error,
        "code_std": codes.std(0).tolist(), "torch": torch.__version__,
    }, indent=1, sort_keys=True))


if __name__ == "__main__":
    main()
