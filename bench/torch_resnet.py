#!/usr/bin/env python3
"""PyTorch reference for the ResNet-20 benchmark: NoisyResNet20 throughput on CPU.

Measures, at each torch.set_num_threads value of --threads (default 1 and 2):

  1. training throughput: after 3 warm-up steps, --steps Adam steps (lr 1e-3, NLL loss on the log-softmax, batch
     --batch, train mode) are timed, --repeats times; the median is reported as images/s;
  2. a probed forward pass: --eval-samples images in eval mode under torch.no_grad(), in batches of --eval-batch,
     copying every probe (stem, block1 … block9, head) into a float32 numpy array that holds all samples (as the Swift
     side materialises them); the median over --repeats passes (after a one-batch warm-up) is reported in seconds.

Data: random images of shape --channels × --image-size × --image-size and random labels from 10 classes.
Noise (relative Gaussian, σ = 1e-3) is active in train and eval mode.

Prints one line per thread count:

    torch-resnet20  threads=T  train R images/s  forward S s  params P

or, with --json, one JSON object with the same numbers.
Install: pip install torch (CPU build: pip install --index-url https://download.pytorch.org/whl/cpu torch).
"""
import argparse
import json
import statistics
import time

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

PROBES = ["stem"] + [f"block{i}" for i in range(1, 10)] + ["head"]


class Noise(nn.Module):
    """y = x + σ·x·ε with ε ~ N(0, 1), in train and eval mode."""

    def __init__(self, sigma=1e-3):
        super().__init__()
        self.sigma = sigma

    def forward(self, x):
        return x + self.sigma * x * torch.randn_like(x)


def conv3x3(cin, cout, stride=1):
    return nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False)


class BasicBlock(nn.Module):
    """n = noise(x); out = relu(bn2(conv2(relu(bn1(conv1(n))))) + shortcut(n)).

    The shortcut is the identity when shape is kept, otherwise "option A": every second row and column (starting at
    0), with out − in zero channels appended after the existing ones.
    """

    def __init__(self, cin, cout, stride=1, sigma=1e-3):
        super().__init__()
        self.noise = Noise(sigma)
        self.conv1 = conv3x3(cin, cout, stride)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = conv3x3(cout, cout)
        self.bn2 = nn.BatchNorm2d(cout)
        self.stride = stride
        self.extra_channels = cout - cin
        self.identity = stride == 1 and cin == cout

    def shortcut(self, n):
        if self.identity:
            return n
        s = n[:, :, ::self.stride, ::self.stride] if self.stride != 1 else n
        # F.pad pads from the last axis backwards: (W left, W right, H left, H right, C front, C back).
        return F.pad(s, (0, 0, 0, 0, 0, self.extra_channels))

    def forward(self, x):
        n = self.noise(x)
        h = F.relu(self.bn1(self.conv1(n)))
        h = self.bn2(self.conv2(h))
        return F.relu(h + self.shortcut(n))


class NoisyResNet20(nn.Module):
    def __init__(self, channels=3, classes=10, sigma=1e-3):
        super().__init__()
        self.stem = nn.Sequential(Noise(sigma), conv3x3(channels, 16), nn.BatchNorm2d(16), nn.ReLU())
        blocks = []
        cin = 16
        for stage, cout in enumerate((16, 32, 64)):
            for i in range(3):
                stride = 2 if (stage > 0 and i == 0) else 1
                blocks.append(BasicBlock(cin, cout, stride, sigma))
                cin = cout
        self.blocks = nn.ModuleList(blocks)
        self.head_noise = Noise(sigma)
        self.fc = nn.Linear(64, classes)

    def forward(self, x, collect=False):
        """Log-probabilities, or with collect=True the list of probes in PROBES order (the last is the output)."""
        probes = []
        x = self.stem(x)
        probes.append(x)
        for block in self.blocks:
            x = block(x)
            probes.append(x)
        x = F.log_softmax(self.fc(self.head_noise(x.mean(dim=(2, 3)))), dim=1)
        probes.append(x)
        return probes if collect else x


def train_step(model, optimizer, x, y):
    optimizer.zero_grad()
    loss = F.nll_loss(model(x), y)
    loss.backward()
    optimizer.step()


def measure(args, threads):
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    shape = (args.channels, args.image_size, args.image_size)
    model = NoisyResNet20(args.channels, args.classes)
    params = sum(p.numel() for p in model.parameters())
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = torch.randn(args.batch, *shape)
    y = torch.randint(0, args.classes, (args.batch,))

    model.train()
    for _ in range(3):  # warm-up
        train_step(model, optimizer, x, y)
    rates = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        for _ in range(args.steps):
            train_step(model, optimizer, x, y)
        rates.append(args.steps * args.batch / (time.perf_counter() - start))

    model.eval()
    data = torch.randn(args.eval_samples, *shape)
    forwards = []
    with torch.no_grad():
        model(data[:args.eval_batch], collect=True)  # warm-up
        for _ in range(args.repeats):
            start = time.perf_counter()
            arrays = None
            for b in range(0, args.eval_samples, args.eval_batch):
                probes = model(data[b:b + args.eval_batch], collect=True)
                if arrays is None:
                    arrays = [np.empty((args.eval_samples, *p.shape[1:]), dtype=np.float32) for p in probes]
                for array, p in zip(arrays, probes):
                    array[b:b + p.shape[0]] = p.numpy()
            forwards.append(time.perf_counter() - start)
            del arrays
    return {"threads": threads, "train_images_per_s": statistics.median(rates),
            "forward_s": statistics.median(forwards), "params": params}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", default="1,2", help="comma-separated torch.set_num_threads values")
    parser.add_argument("--steps", type=int, default=20, help="timed training steps per repeat")
    parser.add_argument("--repeats", type=int, default=3, help="repeats of each measurement (median reported)")
    parser.add_argument("--batch", type=int, default=128, help="training batch size")
    parser.add_argument("--eval-samples", type=int, default=10000, help="images in the probed forward pass")
    parser.add_argument("--eval-batch", type=int, default=1000, help="batch size of the probed forward pass")
    parser.add_argument("--image-size", type=int, default=32)
    parser.add_argument("--channels", type=int, default=3)
    parser.add_argument("--classes", type=int, default=10)
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of text lines")
    args = parser.parse_args()
    results = []
    for threads in [int(t) for t in args.threads.split(",")]:
        r = measure(args, threads)
        results.append(r)
        if not args.json:
            print(f"torch-resnet20  threads={r['threads']}  train {r['train_images_per_s']:.1f} images/s  "
                  f"forward {r['forward_s']:.3f} s  params {r['params']}", flush=True)
    if args.json:
        print(json.dumps({"model": "torch-resnet20", "torch": torch.__version__, "batch": args.batch,
                          "steps": args.steps, "repeats": args.repeats, "eval_samples": args.eval_samples,
                          "eval_batch": args.eval_batch, "results": results}))


if __name__ == "__main__":
    main()
