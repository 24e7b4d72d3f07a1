"""PyTorch's side of benchmarks/problems.cpp: the same networks, optimizers,
hyperparameters and CSV files, one thread, batches by a shuffled index per
epoch (no DataLoader). argv: data dir, seeds, typenet's mean s/epoch for R and B."""
import sys
import time

import numpy as np
import torch

torch.set_num_threads(1)
d, seeds = sys.argv[1], int(sys.argv[2])
typenet_r, typenet_b = float(sys.argv[3]), float(sys.argv[4])


def load(name, features):
    a = np.loadtxt(f"{d}/{name}", delimiter=",", dtype=np.float32)
    return torch.from_numpy(a[:, :features].copy()), torch.from_numpy(a[:, features:].copy())


def train(model, loss_fn, opt, x, y, epochs, seed):
    g = torch.Generator().manual_seed(seed)
    times = []
    for _ in range(epochs):
        start = time.perf_counter()
        order = torch.randperm(len(x), generator=g)
        for i in range(0, len(x), 32):
            idx = order[i:i + 32]
            opt.zero_grad()
            loss_fn(model(x[idx]), y[idx]).backward()
            opt.step()
        times.append(time.perf_counter() - start)
    return sorted(times)[len(times) // 2]


rx, ry = load("r_train.csv", 2)
rtx, rty = load("r_test.csv", 2)
bx, by = load("b_train.csv", 4)
btx, bty = load("b_test.csv", 4)
r_mean = b_mean = 0.0
for seed in range(1, seeds + 1):
    torch.manual_seed(seed)
    m = torch.nn.Sequential(torch.nn.Linear(2, 64), torch.nn.Tanh(), torch.nn.Linear(64, 64), torch.nn.Tanh(), torch.nn.Linear(64, 1))
    s = train(m, torch.nn.functional.mse_loss, torch.optim.Adam(m.parameters(), lr=3e-3), rx, ry, 40, seed)
    with torch.no_grad():
        mse = torch.nn.functional.mse_loss(m(rtx), rty).item()
    r_mean += s / seeds
    print(f"{'R regression, PyTorch':34s} {seed:6d} {mse:8.5f} mse {s:12.5f}")
for seed in range(1, seeds + 1):
    torch.manual_seed(seed)
    m = torch.nn.Sequential(torch.nn.Linear(4, 16), torch.nn.ReLU(), torch.nn.Linear(16, 16), torch.nn.ReLU(), torch.nn.Linear(16, 1), torch.nn.Sigmoid())
    s = train(m, torch.nn.functional.binary_cross_entropy, torch.optim.Adam(m.parameters(), lr=1e-2), bx, by, 30, seed)
    with torch.no_grad():
        acc = ((m(btx) >= 0.5).float() == bty).float().mean().item()
    b_mean += s / seeds
    print(f"{'B binary, PyTorch':34s} {seed:6d} {100 * acc:7.2f}% acc {s:12.5f}")
print(f"seconds per epoch, PyTorch / typenet: R {r_mean / typenet_r:.1f}x, B {b_mean / typenet_b:.1f}x "
      f"(torch {torch.__version__}, 1 thread)")
